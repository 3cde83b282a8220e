"""Spanish for messages of other packages: Django's wording where DRF's catalogue
words them otherwise, and django-simple-history's admin, which has no Spanish.

An installed app's catalogue overrides Django's, so with ``rest_framework``
installed every form of the project (the pages, the Django admin) would say
"Este campo es requerido.". Marked here, these messages land in the project's
catalogue (``locale/``), which comes first, with Django's wording. Never
imported: it is read by ``makemessages`` only.
"""

from django.utils.translation import gettext_noop

DJANGO_WORDING = [
    gettext_noop("This field is required."),
    gettext_noop("No file was submitted."),
    gettext_noop("The submitted file is empty."),
    gettext_noop(
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ),
    gettext_noop("Value must be valid JSON."),
]

#: django-simple-history has no Spanish catalogue: the words of its admin pages
#: (the Client admin's history) that our templates do not already say.
SIMPLE_HISTORY_WORDING = [
    gettext_noop("View history: %s"),
    gettext_noop("View %s"),
    gettext_noop("View %(verbose_name)s"),
    gettext_noop("This object doesn't have a change history."),
]

#: The operator commands speak Spanish (clients/management/base.py): argparse's
#: own words, which it asks of the standard library's gettext, and the help of
#: the options Django gives every command. Only those an operator meets.
ARGPARSE_WORDING = [
    gettext_noop("usage: "),
    gettext_noop("positional arguments"),
    gettext_noop("options"),
    gettext_noop("show this help message and exit"),
    gettext_noop("the following arguments are required: %s"),
    gettext_noop("unrecognized arguments: %s"),
    gettext_noop("argument %(argument_name)s: %(message)s"),
    gettext_noop("invalid choice: %(value)r (choose from %(choices)s)"),
    gettext_noop("invalid %(type)s value: %(value)r"),
    gettext_noop("expected one argument"),
    gettext_noop("ambiguous option: %(option)s could match %(matches)s"),
    gettext_noop("one of the arguments %s is required"),
    gettext_noop("not allowed with argument %s"),
]
DJANGO_COMMAND_WORDING = [
    gettext_noop("Show program's version number and exit."),
    gettext_noop(
        "Verbosity level; 0=minimal output, 1=normal output, 2=verbose output, "
        "3=very verbose output"
    ),
    gettext_noop(
        "The Python path to a settings module, e.g. "
        '"myproject.settings.main". If this isn\'t provided, the '
        "DJANGO_SETTINGS_MODULE environment variable will be used."
    ),
    gettext_noop('A directory to add to the Python path, e.g. "/home/djangoprojects/myproject".'),
    gettext_noop("Display a full stack trace on CommandError exceptions."),
    gettext_noop("Don't colorize the command output."),
    gettext_noop("Force colorization of the command output."),
    gettext_noop("Skip system checks."),
]
