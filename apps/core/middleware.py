class SecurityHeadersMiddleware:
    """Headers Django 5.2 does not set itself: a strict Content-Security-Policy
    (every script and style is served from our own static files) and a
    Permissions-Policy that turns off device features Koldoo never uses."""

    CSP = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; object-src 'none'"
    )
    PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.CSP)
        response.headers.setdefault("Permissions-Policy", self.PERMISSIONS)
        # Pages with identities must not be kept by shared or browser caches.
        if request.user.is_authenticated if hasattr(request, "user") else False:
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class CraftedInputMiddleware:
    """No number that no database integer can hold reaches a view.

    One rule for every page and API: an id in the URL beyond the signed 64-bit range
    (such as 99999999999999999999) names no record, so the answer is 404, as for any
    record one may not see; a query parameter (`page`, `case`, numeric filters) holding
    such a number is a mistake in the request, so the answer is 400 with a message
    naming the parameter. Without this, SQLite raises OverflowError and PostgreSQL
    "bigint out of range" deep in a query: a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.http import Http404, JsonResponse
        from django.shortcuts import render
        from django.utils.translation import gettext as _

        from apps.core.input_limits import fits_bigint, oversized_parameter

        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not fits_bigint(value):
                raise Http404(_("No such record."))
            if (
                isinstance(value, str)
                and value.isascii()
                and value.isdigit()
                and not fits_bigint(int(value[:40]))
            ):
                raise Http404(_("No such record."))  # DRF routes pass ids as text
        name = oversized_parameter(request.GET)
        if name is None:
            return None
        message = _("The number given for “%(name)s” is too large.") % {"name": name}
        if request.path.startswith("/api/"):
            return JsonResponse({name: [message]}, status=400)
        return render(request, "core/bad_input.html", {"message": message}, status=400)
