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
