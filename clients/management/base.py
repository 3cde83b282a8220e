"""What the operator commands share: the site's language, and who made a change."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

#: Author of the changes commands make when no ``--user`` is named.
SYSTEM_USERNAME = "sistema"


class ClientCommand(BaseCommand):
    """A command that speaks the site's language, whatever the shell's locale."""

    def execute(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            return super().execute(*args, **options)


class ClientChangeCommand(ClientCommand):
    """A command that changes clients, in the name of ``--user`` or of ``sistema``."""

    def add_arguments(self, parser):
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help=f"Record the changes as made by this user (default: {SYSTEM_USERNAME}).",
        )

    def named_user(self, username):
        """The user ``--user`` names, or None when it is not given."""
        if username is None:
            return None
        user_model = get_user_model()
        try:
            return user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            message = _("No user is named %(username)s.") % {"username": username}
            raise CommandError(message) from None


def system_user():
    """The ``sistema`` user, created on first use; it can never log in."""
    user_model = get_user_model()
    user, _created = user_model._default_manager.get_or_create(
        **{user_model.USERNAME_FIELD: SYSTEM_USERNAME},
        defaults={"is_active": False, "password": make_password(None)},
    )
    return user
