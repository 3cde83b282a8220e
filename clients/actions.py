"""Views that act only when posted to: Deshacer, Confirmar, the bulk edit's steps."""

from django.shortcuts import redirect
from django.views import View


class ActionView(View):
    """Acts on POST; a GET of its address leads to the page the action belongs to.

    Browsers do GET these addresses: the language menu returns to the page it
    was on (the bulk edit's preview, a refused Confirmar), and so do a reload
    after a redirect and a bookmark. Django would answer a blank 405 page; a
    GET changes nothing here either, it just lands somewhere useful.
    """

    http_method_names = ["get", "head", "post", "options"]

    def get(self, request, *args, **kwargs):
        return redirect(self.page_url())

    def page_url(self):
        """Where a GET of this address goes."""
        raise NotImplementedError
