"""What the operator commands share: the site's language, and who made a change."""

import argparse
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from clients.formats import grouped

#: Author of the changes commands make when no ``--user`` is named.
SYSTEM_USERNAME = "sistema"


def language_codes():
    return [code for code, _name in settings.LANGUAGES]


def language_in(args):
    """The language ``--lang`` names in a command line, before argparse reads it
    (its help and its errors are worded while it reads); else the site's. As
    argparse, the last ``--lang`` counts."""
    chosen = None
    for position, arg in enumerate(args):
        if arg == "--lang" and position + 1 < len(args):
            chosen = args[position + 1]
        elif arg.startswith("--lang="):
            chosen = arg.partition("=")[2]
    return chosen if chosen in language_codes() else settings.LANGUAGE_CODE


@contextmanager
def argparse_in_active_language():
    """argparse words its usage, headings and errors with the standard library's
    gettext, which knows no Spanish: have it use Django's catalogues meanwhile
    (the project's has them; config/translations.py)."""
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _, ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


def translate_help(parser):
    """Django's options (--verbosity, --settings…) have English help; ours is
    already translated, so a second look leaves it as it is."""
    parser.description = parser.description and str(parser.description)
    for action in parser._actions:
        if action.help and action.help != argparse.SUPPRESS:
            action.help = _(str(action.help))
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                choice.help = choice.help and _(str(choice.help))
            for subparser in action.choices.values():
                translate_help(subparser)


class ClientCommand(BaseCommand):
    """A command that speaks the site's language (``LANGUAGE_CODE``: Spanish), or
    the one ``--lang`` names, whatever the shell's locale: its help, argparse's
    errors and its messages."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--lang",
            choices=language_codes(),
            help=_("Language of the messages (default: %(language)s).")
            % {"language": settings.LANGUAGE_CODE},
        )
        translate_help(parser)
        return parser

    def run_from_argv(self, argv):
        with translation.override(language_in(argv[2:])), argparse_in_active_language():
            return super().run_from_argv(argv)

    def print_help(self, prog_name, subcommand):
        """``manage.py help COMMAND``, in the site's language."""
        with translation.override(settings.LANGUAGE_CODE), argparse_in_active_language():
            return super().print_help(prog_name, subcommand)

    def execute(self, *args, **options):
        with translation.override(options.get("lang") or settings.LANGUAGE_CODE):
            return super().execute(*args, **options)


class ClientChangeCommand(ClientCommand):
    """A command that changes clients, in the name of ``--user`` or of ``sistema``."""

    def add_arguments(self, parser):
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help=_("Record the changes as made by this user (default: %(user)s).")
            % {"user": SYSTEM_USERNAME},
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


class CountBar(tqdm):
    """tqdm's bar for a count of things, its numbers grouped as the active
    language writes them (4.000/10.000 clientes, 2.345 clientes/s)."""

    def __init__(self, *args, **kwargs):
        bar = "{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}, {rate_fmt}{postfix}]"
        super().__init__(*args, bar_format=bar, **kwargs)

    @property
    def format_dict(self):
        values = super().format_dict
        elapsed, n = values["elapsed"], values["n"]
        rate = values["rate"] or (n / elapsed if elapsed else None)
        return {
            **values,
            "n_fmt": grouped(n),
            "total_fmt": grouped(values["total"]) if values["total"] else "?",
            "rate_fmt": f"{grouped(round(rate)) if rate else '?'}{values['unit']}/s",
        }
