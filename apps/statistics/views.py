"""The national statistics report on screen and as downloads (aggregates only)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, override

from apps.accounts.access import member_with
from apps.accounts.models import Organization
from apps.accounts.roles import Permission
from apps.statistics import display, writers
from apps.statistics.forms import DOWNLOAD_LANGUAGES, ReportFilterForm, default_data
from apps.statistics.pdf import report_pdf
from apps.statistics.report import ReportScope
from apps.statistics.selectors import (
    disclosure_control_required,
    organizations_for_report,
    report_organization_choices,
)
from apps.statistics.services import run_report

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
    "json": "application/json",
}


def filter_form(request, membership):
    """The bound filter form (defaults when nothing was asked), and its choices: (slug,
    name) of the organisations the member may report on."""
    choices = report_organization_choices(membership)
    if not choices:
        raise PermissionDenied
    forced = disclosure_control_required(membership, [slug for slug, _name in choices])
    data = request.GET if "period" in request.GET else default_data(forced)
    return ReportFilterForm(data, organizations=choices, forced_disclosure_control=forced), choices


def scope_of(membership, cleaned, choices) -> ReportScope:
    """The scope asked for, with disclosure control forced on wherever it is required."""
    slugs = cleaned.get("organization") or None
    # A partial organisation set (ValidationError) is caught by the caller, which shows it
    # on the form.
    try:
        ids = organizations_for_report(membership, requested_slugs=slugs)
    except Organization.DoesNotExist:
        raise Http404 from None
    if not ids:
        raise PermissionDenied
    control = bool(cleaned.get("disclosure_control")) or disclosure_control_required(
        membership, ids
    )
    return ReportScope(
        date_from=cleaned["from"],
        date_to=cleaned["to"],
        organization_ids=ids,
        disclosure_control=control,
    )


def chosen_names(cleaned, choices) -> list[str]:
    slugs = set(cleaned.get("organization") or [slug for slug, _name in choices])
    return [name for slug, name in choices if slug in slugs]


@login_required
def statistics_report(request):
    """Every table of the national report for the chosen period and organisations."""
    m = member_with(request, Permission.VIEW_STATISTICS)
    form, choices = filter_form(request, m)
    context = {"form": form, "report": None}
    if form.is_valid():
        scope = scope_of(m, form.cleaned_data, choices)
        report = run_report(m, scope, request=request)
        context.update(
            {
                "report": report,
                "sections": display.shown_sections(report),
                "organization_names": chosen_names(form.cleaned_data, choices),
                "legend": display.suppressed_legend(scope.threshold),
                "perturbation_note": display.perturbation_note(),
                "query": form.query(),
                "download_languages": DOWNLOAD_LANGUAGES,
                "language": (get_language() or "en")[:2],
            }
        )
    return render(request, "statistics/report.html", context)


@login_required
def statistics_download(request, fmt):
    """The report as XLSX, CSV, PDF or JSON, in the language asked for (else the page's)."""
    m = member_with(request, Permission.VIEW_STATISTICS)
    if fmt not in FORMATS:
        raise Http404
    lang = request.GET.get("lang") or (get_language() or "en")[:2]
    if lang not in dict(DOWNLOAD_LANGUAGES):
        lang = "en"
    form, choices = filter_form(request, m)
    if not form.is_valid():
        # Back to the page, which says what is wrong and keeps what was typed.
        return render(request, "statistics/report.html", {"form": form, "report": None}, status=400)
    scope = scope_of(m, form.cleaned_data, choices)
    with override(lang):
        report = run_report(m, scope, request=request, fmt=fmt, lang=lang)
        body = write(report, fmt, chosen_names(form.cleaned_data, choices), lang)
    filename = f"koldoo-statistics_{scope.date_from.isoformat()}_{scope.date_to.isoformat()}_{lang}"
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def write(report, fmt: str, organization_names: list[str], lang: str) -> bytes:
    """The file in the active language: PDF here, the others by the engine's writers."""
    if fmt == "pdf":
        return report_pdf(report, organization_names)
    return writers.write(report, fmt, lang)
