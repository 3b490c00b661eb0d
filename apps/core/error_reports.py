"""Error reports and logs that carry no request data.

A search query, a submitted form or a cookie can hold a victim's name. Django's
error report (the e-mail to ADMINS, the debug page) shows the query string, POST
values, cookies, headers and every local variable of the failing frames; the
`django.request` logger attaches the request itself to its records. Here the report
keeps the method, the path without its query and the traceback's code, and nothing
the user sent.
"""

import logging

from django.http import HttpRequest
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

HIDDEN = "[hidden: may hold personal data]"


class NoRequestDataFilter(SafeExceptionReporterFilter):
    """Hides every POST value, cookie, header and local variable, not only the
    ones marked sensitive."""

    def is_active(self, request):
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, HIDDEN)

    def get_safe_cookies(self, request):
        return {}

    def get_safe_request_meta(self, request):
        return {}

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, HIDDEN) for name in tb_frame.f_locals]


def _bare(request: HttpRequest) -> HttpRequest:
    """A stand-in with the method and path only: no query, body, cookies or headers."""
    bare = HttpRequest()
    bare.method = request.method
    bare.path = bare.path_info = getattr(request, "path", "")
    bare.META = {
        "REQUEST_METHOD": request.method or "",
        "SERVER_NAME": "koldoo",
        "SERVER_PORT": "0",
    }
    return bare


class NoRequestDataReporter(ExceptionReporter):
    def __init__(self, request, *args, **kwargs):
        super().__init__(_bare(request) if request is not None else None, *args, **kwargs)
        self.filter = NoRequestDataFilter()


class DropRequest(logging.Filter):
    """Takes the request off `django.request` records, so that no handler or formatter
    can print its query string, body or headers."""

    def filter(self, record):
        if hasattr(record, "request"):
            record.request = None
        return True
