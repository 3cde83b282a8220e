"""Project-wide error handling: styled pages for people, JSON for the API.

Under ``/api/`` every error Django answers itself (an unknown URL, a refused
request, a server error, the database being away) is a JSON object with a
``detail``, like the errors DRF answers, so that services never have to parse
an HTML page.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import (
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseServerError,
    JsonResponse,
)
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"

#: Seconds a client should wait before retrying while the database is away.
RETRY_AFTER_SECONDS = 30


def is_api(request):
    return request.path_info.startswith(API_PREFIX)


def api_error(data, status):
    """JSON as DRF writes it (UTF-8, not ASCII escapes)."""
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def problem(detail, status):
    """An API error as DRF words them: ``{"detail": "…"}``."""
    return api_error({"detail": str(detail)}, status)


def bad_request(request, exception):
    if is_api(request):
        return problem(_("Malformed request."), 400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if is_api(request):
        return problem(_("You do not have permission to perform this action."), 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if is_api(request):
        return problem(_("Not found."), 404)
    return defaults.page_not_found(request, exception)


def method_not_allowed(response):
    """The styled 405 page in place of Django's empty one, its ``Allow`` kept."""
    page = HttpResponseNotAllowed([], loader.get_template("405.html").render())
    page["Allow"] = response["Allow"]
    return page


def server_error(request):
    """Like Django's 500 handler, but a database that cannot be reached (or
    that cancelled a statement that waited too long: PostgreSQL's statement
    timeout) gets a 503 that says so, with a Retry-After, since retrying will
    help.

    It renders without a request context, like Django's own, because whatever
    broke may break again while rendering.
    """
    unavailable = isinstance(sys.exc_info()[1], OperationalError | InterfaceError)
    if unavailable:
        if is_api(request):
            response = problem(_("The database is not available. Try again in a minute."), 503)
        else:
            response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if is_api(request):
        return problem(_("A server error occurred."), 500)
    return HttpResponseServerError(loader.get_template("500.html").render())
