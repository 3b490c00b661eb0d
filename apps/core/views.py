from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.accounts.roles import Permission
from apps.accounts.services import choose_membership
from apps.assistance.selectors import my_check_ins
from apps.cases.selectors import my_open_cases, my_open_tasks
from apps.core import audit
from apps.core.forms import AuditFilterForm
from apps.core.selectors import audit_entries_visible_to
from apps.statistics.dashboard import dashboard_figures


@login_required
def dashboard(request):
    """A member's start page: this year's figures for those who view statistics (the
    national coordinator sees nothing else), then their own tasks, cases and check-ins."""
    m = request.membership
    context = {"figures": dashboard_figures(m, request=request)}
    if m is not None and m.can(Permission.VIEW_CASES):
        cases = list(my_open_cases(m))
        # The list shows each client's name: a look like any other list.
        audit.shown(m, cases, target_type="case", request=request)
        context.update(
            {
                "tasks": my_open_tasks(m),
                "cases": cases,
                # Reintegration check-ins due within two weeks (overdue ones included).
                "check_ins": my_check_ins(m, within_days=14, limit=20),
            }
        )
    return render(request, "core/dashboard.html", context)


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
        return HttpResponseForbidden()
    next_url = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "dashboard"
    return redirect(next_url)


@login_required
def audit_trail(request):
    """The auditor's view of who did what; filters by action, record, user and dates."""
    m = request.membership
    if m is None or not (m.can(Permission.VIEW_AUDIT) or m.can(Permission.MANAGE_ORGANIZATION)):
        return HttpResponseForbidden()
    form = AuditFilterForm(request.GET or None)
    entries = audit_entries_visible_to(m)
    if form.is_valid():
        f = form.cleaned_data
        if f["action"]:
            entries = entries.filter(action=f["action"])
        if f["target_type"]:
            entries = entries.filter(target_type=f["target_type"])
        if f["target_id"]:
            entries = entries.filter(target_id=f["target_id"])
        if f["user"]:
            entries = entries.filter(actor_label__icontains=f["user"])
        if f["date_from"]:
            entries = entries.filter(at__date__gte=f["date_from"])
        if f["date_to"]:
            entries = entries.filter(at__date__lte=f["date_to"])
    page = Paginator(entries.order_by("-id"), 50).get_page(request.GET.get("page"))
    # Entries name people's records and who looked at them: reading them is a look too.
    audit.shown(m, page.object_list, target_type="auditentry", request=request)
    return render(request, "core/audit_trail.html", {"page": page, "form": form})
