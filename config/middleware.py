"""Requests no browser sends are refused before any view sees them."""

from django.core.exceptions import BadRequest
from django.core.validators import ProhibitNullCharactersValidator

from config.views import api_error, bad_request, is_api, problem

NUL = "\x00"


def parameters_with_nul(request):
    """Names of the query string's and the form's parameters whose name or
    value holds a NUL character."""
    return [
        name
        for parameters in (request.GET, request.POST)
        for name, values in parameters.lists()
        if NUL in name or any(NUL in value for value in values)
    ]


class RefuseNulCharactersMiddleware:
    """A NUL character in the path, the query string or a form is a 400.

    No one types a NUL, and PostgreSQL cannot store or compare one: a value
    that reaches a query unchecked (a filter of the Django admin's list, say)
    made a server error of it. Refused here, once, no view has to think of it.
    Pages answer with the styled 400 page; the API with its messages by
    parameter, as for any other invalid query value.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        in_path = NUL in request.path_info
        names = parameters_with_nul(request)
        if not (in_path or names):
            return self.get_response(request)
        if not is_api(request):
            return bad_request(request, BadRequest("NUL character in the request"))
        message = ProhibitNullCharactersValidator.message
        if in_path:
            return problem(message, 400)
        return api_error({name: [str(message)] for name in names}, 400)
