"""Pagination whose count stays cheap on a table of millions."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    """Counts at most ``count_limit`` rows.

    ``SELECT COUNT(*)`` over a million rows costs more than the page itself;
    counting ``LIMIT count_limit + 1`` rows keeps it bounded. Beyond the limit
    the page says "more than N" and offers the pages of the first N rows (400
    pages of 25: past that, a query finds a client faster than paging does).
    A query may ask for a lower limit (see ``ClientFilter.count_limit()``).
    """

    count_limit = 10_000

    def __init__(self, *args, count_limit=None, **kwargs):
        super().__init__(*args, **kwargs)
        if count_limit is not None:
            self.count_limit = count_limit

    @cached_property
    def _rows_counted(self):
        return self.object_list.order_by()[: self.count_limit + 1].count()

    @property
    def count(self):
        return min(self._rows_counted, self.count_limit)

    @property
    def count_is_capped(self):
        return self._rows_counted > self.count_limit
