"""``{{ count|grouped }}``: a count in templates, grouped as in messages.

In a plural sentence the number choosing the form and the one shown differ:
``{% blocktranslate count n=total with counter=total|grouped %}{{ counter }}
client{% plural %}{{ counter }} clients{% endblocktranslate %}`` (the msgid
stays ``%(counter)s client``).
"""

from django import template

from clients import formats

register = template.Library()


@register.filter
def grouped(number):
    """The count with the active language's thousands separator (clients.formats)."""
    return formats.grouped(number)
