"""Requests no browser sends are refused before any view sees them."""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.core.validators import ProhibitNullCharactersValidator

from config.views import api_error, bad_request, is_api, method_not_allowed, problem

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


class MethodNotAllowedPageMiddleware:
    """A method a page does not take (a GET of ``/accounts/logout/``, which only
    logs out on POST) gets the styled 405 page in the user's language; Django's
    own is empty, a blank page in the browser. The API's 405s are DRF's JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and not is_api(request):
            return method_not_allowed(response)
        return response


class SizeLimitUploadHandler(FileUploadHandler):
    """Drops an uploaded file as soon as it passes ``limit`` bytes, while it arrives.

    Django would otherwise write the whole file to a temporary file before any
    view could look at its size. A request announcing more than the limit (plus
    room for the form's other fields) is dropped before its first byte is
    kept; the rest of the body is read and thrown away, so the page can still
    answer with a message. ``request.refused_uploads`` names what was dropped.
    """

    FORM_ROOM = 64 * 1024

    def __init__(self, request, limit):
        super().__init__(request)
        self.limit = limit
        self.announced_too_large = False
        request.refused_uploads = set()

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.announced_too_large = (content_length or 0) > self.limit + self.FORM_ROOM

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        if self.announced_too_large:
            self.refuse()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.refuse()
        return raw_data

    def file_complete(self, file_size):
        return None

    def refuse(self):
        self.request.refused_uploads.add(self.field_name)
        raise SkipFile


class UploadLimitMiddleware:
    """Puts ``SizeLimitUploadHandler`` first for every request, before anything
    (the CSRF check, ``RefuseNulCharactersMiddleware``) reads the form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.upload_handlers.insert(
            0, SizeLimitUploadHandler(request, settings.UPLOAD_MAX_BYTES)
        )
        return self.get_response(request)
