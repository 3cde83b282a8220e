"""The list page's query (Consultar): code, name and status, combined with AND."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BOUNDS, Client, bounded

#: How many clients a name search counts, at most. Each candidate row is read
#: back to check its name, so counting costs in proportion to the limit: at
#: 1,000,000 clients, counting 10,001 of the 50,000 "andina" took 35 ms, 1,001
#: took 3 ms, 501 1.5 ms, nearly all the difference between the search and the
#: plain list (bench/RESULTS.md). 20 pages of 25 are more than anyone pages
#: through; a narrower query finds the client.
NAME_SEARCH_COUNT_LIMIT = 500


class WholeNumberFilter(django_filters.Filter):
    """NumberFilter takes decimals; a code is a whole number."""

    field_class = forms.IntegerField


class QueryForm(forms.Form):
    """Bootstrap's classes on the widgets, so the template renders them plainly
    (a form-rendering library would cost more than the rest of the page)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if select else "form-control"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"
                self.fields[name].widget.attrs["aria-invalid"] = "true"


class ClientFilter(django_filters.FilterSet):
    code = WholeNumberFilter(
        label=_("Code"),
        min_value=BOUNDS["code"][0],
        max_value=BOUNDS["code"][1],
        # The same words as the forms: "Escriba un número entero entre 1 y 2.147.483.647."
        error_messages=bounded("code")["error_messages"],
    )
    name = django_filters.CharFilter(label=_("Name"), method="filter_name", max_length=200)
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Client.Status.choices, empty_label=_("All")
    )

    class Meta:
        model = Client
        fields = ["code", "name", "status"]
        form = QueryForm

    def filter_name(self, queryset, name, value):
        return queryset.search_name(value)

    def count_limit(self):
        """The most clients the list should count for this query (``None``: the
        paginator's own limit)."""
        if self.form.is_valid() and self.form.cleaned_data.get("name"):
            return NAME_SEARCH_COUNT_LIMIT
        return None
