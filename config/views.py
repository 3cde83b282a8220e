"""Project-wide error handling."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader


def server_error(request):
    """Like Django's 500 handler, but a database that cannot be reached gets a
    503 page that says so (and a Retry-After), since retrying will help.

    It renders without a request context, like Django's own, because whatever
    broke may break again while rendering.
    """
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
