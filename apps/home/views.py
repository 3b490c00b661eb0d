from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from apps.accounts.roles import Permission
from apps.assistance.selectors import my_check_ins
from apps.cases.selectors import my_open_cases, my_open_tasks
from apps.core import audit
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
    return render(request, "home/dashboard.html", context)
