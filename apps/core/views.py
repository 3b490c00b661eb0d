from django.contrib.auth.decorators import login_required
from django.core.exceptions import DisallowedHost, PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.accounts.roles import Permission
from apps.accounts.services import choose_membership
from apps.core import audit
from apps.core.audit_display import present_entries
from apps.core.forms import AuditFilterForm
from apps.core.selectors import audit_entries_visible_to, audit_record_types, audit_trail_for


@require_POST
def set_language(request):
    """Switch the interface language; remembered on the user and in a cookie."""
    from django.conf import settings

    lang = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = "/"
    response = redirect(next_url)
    if lang in dict(settings.LANGUAGES):
        translation.activate(lang)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, lang, max_age=365 * 24 * 3600, samesite="Lax"
        )
        if request.user.is_authenticated:
            request.user.language = lang
            request.user.save(update_fields=["language"])
    return response


@login_required
@require_POST
def switch_membership(request):
    """Act under another of one's own memberships; the choice is kept for later sign-ins."""
    chosen = choose_membership(user=request.user, membership_id=request.POST.get("membership"))
    if chosen is None:
        raise PermissionDenied
    next_url = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "dashboard"
    return redirect(next_url)


@login_required
def audit_trail(request):
    """The auditor's view of who did what to which record, in the reader's words; filters
    by action, record type, record reference, user and dates."""
    m = request.membership
    if m is None or not (m.can(Permission.VIEW_AUDIT) or m.can(Permission.MANAGE_ORGANIZATION)):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None, record_types=audit_record_types(m))
    if form.is_bound and not form.is_valid():
        # A filter that cannot be met shows nothing rather than everything.
        entries = audit_entries_visible_to(m).none()
    else:
        f = form.cleaned_data if form.is_bound else {}
        entries = audit_trail_for(
            m,
            action=f.get("action", ""),
            record_type=f.get("target_type", ""),
            record=f.get("record_ref"),
            user=f.get("user", ""),
            date_from=f.get("date_from"),
            date_to=f.get("date_to"),
        )
    page = Paginator(entries.order_by("-id"), 50).get_page(request.GET.get("page"))
    # Entries name people's records and who looked at them: reading them is a look too.
    audit.shown(m, page.object_list, target_type="auditentry", request=request)
    present_entries(m, page.object_list)
    return render(request, "core/audit_trail.html", {"page": page, "form": form})


# Error pages --------------------------------------------------------------------------
# Django's own pages are bare English text, and its CSRF page points at DEBUG. These
# use the product's layout in the reader's language and offer a way back. They must
# render for a request that never reached the sign-in middleware (a bad Host header)
# and, for the 500, when the database itself is what failed.


def _error_page(request, template: str, status: int, context: dict | None = None):
    context = {"back_url": _back_url(request), **(context or {})}
    try:
        return render(request, template, context, status=status)
    except Exception:
        # The layout's own lookups (the referral badge, the organisation switcher) can
        # fail for the same reason as the request: show the page without them.
        html = loader.get_template(template).render(context)
        return HttpResponse(html, status=status)


def _back_url(request) -> str:
    """The page the reader came from, if it is one of ours; else the start page."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        if referer and url_has_allowed_host_and_scheme(
            referer, {request.get_host()}, require_https=request.is_secure()
        ):
            return referer
    except DisallowedHost:  # the 400 of a request for a host that is not ours
        pass
    return reverse("dashboard")


def bad_request(request, exception=None):
    return _error_page(request, "400.html", 400)


def permission_denied(request, exception=None):
    return _error_page(request, "403.html", 403)


def page_not_found(request, exception=None):
    return _error_page(request, "404.html", 404)


def server_error(request):
    return _error_page(request, "500.html", 500)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the form's security check failed, most often an old tab or a
    session that ended. Says so and how to go on; the technical reason stays out."""
    return _error_page(request, "csrf_failure.html", 403)
