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


class ForgivingPaginationMixin:
    """For a ``ListView``: a page out of range shows the last page (and a page
    that is not a number, the first) instead of a 404; the template gets the
    elided ``page_range`` that ``includes/pagination.html`` shows."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        page_range = page.paginator.get_elided_page_range(page.number, on_each_side=2)
        return {**context, "page_range": page_range}
