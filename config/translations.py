"""Django's own Spanish for the messages that DRF's catalogue words otherwise.

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
