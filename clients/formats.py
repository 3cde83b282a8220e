"""Counts as people write them in the active language (issue 16).

``USE_THOUSAND_SEPARATOR`` stays off, so codes such as 1001 are never grouped
(a code is an identifier); what is shown as a count goes through ``grouped``
instead: Spanish 1.234 (config/formats/es), English 1,234.
"""

from django.utils.formats import number_format


def grouped(number):
    """``number`` with the active language's thousands separator."""
    return number_format(number, force_grouping=True)
