import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from faker import Faker

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


_names = Faker("es_ES")


def _company_name(code):
    """A company name that depends on the code alone, so a test sees the same one on every run."""
    _names.seed_instance(code)
    return _names.company()


class ClientFactory(factory.django.DjangoModelFactory):
    """Saved through ``Client.save()``; ``created_by=user`` records that user as the author.

    Every value derives from the code (varied, yet the same on every run), so no test
    depends on luck: a random value equal to the one a test sets would read as "unchanged".
    ``tests/conftest.py`` restarts the code sequence for each test.
    """

    class Meta:
        model = Client

    code = factory.Sequence(lambda n: 10_000 + n)
    name = factory.LazyAttribute(lambda client: _company_name(client.code))
    sla_optimal_seconds = factory.LazyAttribute(lambda client: 5 + client.code % 116)
    sla_low_seconds = factory.LazyAttribute(lambda client: client.sla_optimal_seconds * 3)
    max_history_conversations = factory.LazyAttribute(lambda client: client.code % 101)
    inactivity_alert_attempts = factory.LazyAttribute(lambda client: client.code % 11)
    max_inactivity_seconds = factory.LazyAttribute(lambda client: 30 + client.code % 3571)
    status = Client.Status.ACTIVE

    @classmethod
    def _create(cls, model_class, *args, created_by=None, **kwargs):
        client = model_class(*args, **kwargs)
        client.record_change_by(created_by)
        client.save()
        return client
