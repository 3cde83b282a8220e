"""The error summary's view of a form: which fields to link to."""

from django import template

register = template.Library()


@register.filter
def fields_with_errors(form):
    """The form's bound fields that have errors, in the form's order."""
    return [field for field in form if field.errors]
