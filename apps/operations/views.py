"""Health and readiness endpoints for load balancers and monitoring (plain JSON, no
sign-in, nothing about the data), and the member's background jobs with progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from apps.accounts.access import member_with
from apps.accounts.roles import Permission
from apps.operations import selectors, services
from apps.operations.health import readiness
from apps.operations.models import Job


@never_cache
@require_safe
def healthz(request):
    """The process answers (no database touched): a liveness probe."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request):
    """Database reachable, keys loaded, migrations applied, job queue reachable: 200,
    else 503 naming the failing checks."""
    results = readiness()
    ready = all(results.values())
    return JsonResponse(
        {
            "status": "ok" if ready else "failing",
            "checks": {name: "ok" if ok else "failing" for name, ok in results.items()},
        },
        status=200 if ready else 503,
    )


@login_required
def jobs(request):
    """The member's background jobs and the register export they can start here."""
    m = member_with(request, Permission.MANAGE_ORGANIZATION)
    if request.method == "POST":
        fmt = request.POST.get("format", "")
        try:
            job = services.start_register_export(membership=m, fmt=fmt)
        except ValueError:
            messages.error(request, _("Choose CSV or XLSX."))
            return render(request, "operations/jobs.html", _jobs_context(m), status=400)
        return redirect("operations_job", token=job.token)
    return render(request, "operations/jobs.html", _jobs_context(m))


def _jobs_context(m):
    return {"jobs": selectors.jobs_of(m)[:20], "formats": ("csv", "xlsx")}


# Who may see a job of each kind (besides having started it).
KIND_PERMISSIONS = {
    Job.Kind.REGISTER_EXPORT: Permission.MANAGE_ORGANIZATION,
    Job.Kind.REGISTER_IMPORT: Permission.IMPORT_REGISTER,
}


def _member_with_jobs(request):
    m = getattr(request, "membership", None)
    if m is None or not any(m.can(p) for p in KIND_PERMISSIONS.values()):
        raise PermissionDenied
    return m


@login_required
@require_safe
def job(request, token):
    """A job's page: its progress bar, refreshed by htmx (or, without JavaScript, by
    reloading) until it has finished, then its outcome. Only its own member sees it."""
    m = _member_with_jobs(request)
    the_job = selectors.job_for(m, token)
    if not m.can(KIND_PERMISSIONS[the_job.kind]):
        raise PermissionDenied
    the_job = services.check_job(the_job)
    template = (
        "operations/_job_progress.html"
        if request.headers.get("HX-Request")
        else "operations/job.html"
    )
    return render(request, template, {"job": the_job})


@login_required
@require_safe
def job_download(request, token):
    m = member_with(request, Permission.MANAGE_ORGANIZATION)
    the_job = selectors.job_for(m, token)
    try:
        data = services.read_result(membership=m, job=the_job, request=request)
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(data, content_type=services.CONTENT_TYPES[the_job.fmt])
    response["Content-Disposition"] = f'attachment; filename="people-register.{the_job.fmt}"'
    response["Cache-Control"] = "no-store"
    return response
