import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from clients.models import Client


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("s3cret-pass")

    @factory.post_generation
    def permissions(self, create, codenames):
        """``UserFactory(permissions=["view_client"])`` grants clients.* permissions."""
        if create and codenames:
            self.user_permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="clients", codename__in=codenames
                )
            )


def valid_client(**changes):
    """The values of one valid client, as Python values; ``changes`` override them."""
    return {
        "code": 501,
        "name": "Telefónica",
        "sla_optimal_seconds": 20,
        "sla_low_seconds": 60,
        "max_history_conversations": 10,
        "inactivity_alert_attempts": 3,
        "max_inactivity_seconds": 300,
        "status": Client.Status.ACTIVE,
        **changes,
    }


def form_data(**changes):
    """``valid_client()`` as a form posts it: text, and no status (new clients are active)."""
    values = valid_client(**changes)
    if "status" not in changes:
        del values["status"]
    return {name: str(value) for name, value in values.items()}


class ClientFactory(factory.django.DjangoModelFactory):
    """Saved through ``Client.save()``; ``created_by=user`` records that user as the author."""

    class Meta:
        model = Client

    code = factory.Sequence(lambda n: 10_000 + n)
    name = factory.Faker("company", locale="es_ES")
    sla_optimal_seconds = factory.Faker("random_int", min=5, max=120)
    sla_low_seconds = factory.LazyAttribute(lambda client: client.sla_optimal_seconds * 3)
    max_history_conversations = factory.Faker("random_int", min=0, max=100)
    inactivity_alert_attempts = factory.Faker("random_int", min=0, max=10)
    max_inactivity_seconds = factory.Faker("random_int", min=30, max=3600)
    status = Client.Status.ACTIVE

    @classmethod
    def _create(cls, model_class, *args, created_by=None, **kwargs):
        client = model_class(*args, **kwargs)
        client.record_change_by(created_by)
        client.save()
        return client
