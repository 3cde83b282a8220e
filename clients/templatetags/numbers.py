"""``{{ count|grouped }}``: a count in templates, grouped as in messages."""

from django import template

from clients import formats

register = template.Library()


@register.filter
def grouped(number):
    """The count with the active language's thousands separator (clients.formats)."""
    return formats.grouped(number)
