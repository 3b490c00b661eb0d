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

from apps.core.secret_paths import redact_path

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
    bare.path = bare.path_info = redact_path(getattr(request, "path", ""))
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
    can print its query string, body or headers; a path carrying a secret (an
    invitation link refused with 403, say) is written without it."""

    def filter(self, record):
        if hasattr(record, "request"):
            record.request = None
        if isinstance(record.args, tuple):
            record.args = tuple(redact_path(a) if isinstance(a, str) else a for a in record.args)
        return True


class NoTracebackFor403(logging.Filter):
    """A role refused a page (PermissionDenied): an ordinary answer, not a fault. The
    one-line warning stays, so that probing can still be seen; the traceback Django
    attaches to it goes, as it would bury the real errors in the log."""

    def filter(self, record):
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
