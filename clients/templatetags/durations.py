from django import template

from clients.durations import humanize_seconds

register = template.Library()


@register.filter
def duration(seconds):
    """``{{ 90|duration }}`` → "1 min 30 s"."""
    return humanize_seconds(seconds)
