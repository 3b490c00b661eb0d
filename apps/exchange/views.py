"""Case exchange pages: a sent referral's HTCDS export, and the HTCDS import.

The import is the staged upload of apps.core.staged_upload, as the register import."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.access import member_with
from apps.accounts.roles import Permission
from apps.core.staged_upload import StagedImport
from apps.exchange import files, selectors, services
from apps.people.register_import import MAX_FILE_BYTES
from apps.referrals.models import SharedField


@login_required
def export_page(request, referral_id):
    """What the HTCDS file of a sent referral holds (field names only) and its downloads."""
    m = member_with(request, Permission.VIEW_CASES)
    referral = selectors.referral_for_export(m, referral_id)
    refusal = selectors.export_refusal(referral)
    record = None if refusal else services.htcds_record(referral)
    labels = dict(SharedField.choices)
    return render(
        request,
        "exchange/export.html",
        {
            "referral": referral,
            "refusal": refusal,
            "fields": list(record.values) if record else [],
            "left_out": [(labels.get(n, n), reason) for n, reason in record.left_out]
            if record
            else [],
            "formats": files.FORMATS,
        },
        status=403 if refusal else 200,
    )


@login_required
def export_file(request, referral_id, fmt):
    m = member_with(request, Permission.VIEW_CASES)
    if fmt not in files.FORMATS:
        raise Http404
    referral = selectors.referral_for_export(m, referral_id)
    try:
        export = services.export_referral(membership=m, referral=referral, fmt=fmt, request=request)
    except services.ExportRefused as exc:
        return render(
            request,
            "exchange/export.html",
            {"referral": referral, "refusal": exc.messages[0], "formats": files.FORMATS},
            status=403,
        )
    response = HttpResponse(export.body, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


# --------------------------------------------------------------------------- import


class HTCDSUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("HTCDS file (.json, .csv or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.csv,.xlsx"}),
    )


def _apply(membership, plan, request) -> str:
    report = services.apply_import(membership, plan, request=request)
    return _("HTCDS file imported: %(people)d people registered, %(cases)d cases opened.") % {
        "people": report.people_created,
        "cases": report.cases_created,
    }


HTCDS_IMPORT = StagedImport(
    session_key="htcds_import",
    url_name="htcds_import",
    template="exchange/import.html",
    form_class=HTCDSUploadForm,
    plan=services.plan_import,
    apply=_apply,
    max_bytes=MAX_FILE_BYTES,
    extra_context=lambda plan: {"left_out": sorted(plan.left_out.items()) if plan else []},
)


@login_required
def import_page(request):
    """GET: the upload form; POST: upload (check and preview), confirm or cancel."""
    return HTCDS_IMPORT.handle(request, member_with(request, Permission.IMPORT_REGISTER))
