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


class ClientFactory(factory.django.DjangoModelFactory):
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
