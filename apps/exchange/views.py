"""Case exchange pages: a sent referral's HTCDS export, and the HTCDS import.

The import keeps the uploaded file between the preview and the confirmation exactly as
the register import does (encrypted, under a random name known only to the session),
with the register import's own storage helpers."""

import re
import secrets
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.access import member_with
from apps.accounts.roles import Permission
from apps.core.crypto import decrypt_bytes
from apps.exchange import files, selectors, services
from apps.people.register_import import MAX_FILE_BYTES
from apps.people.register_views import _path, _store
from apps.referrals.models import SharedField

SESSION_KEY = "htcds_import"
PREVIEW_ROWS = 20
_TOKEN = re.compile(r"^[0-9a-f]{40}$")


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


@login_required
def import_page(request):
    """GET: the upload form; POST: upload (check and preview), confirm or cancel."""
    m = member_with(request, Permission.IMPORT_REGISTER)
    if request.method == "POST":
        action = request.POST.get("action", "upload")
        if action == "confirm":
            return _confirm(request, m)
        if action == "cancel":
            _forget(request)
            return redirect("htcds_import")
        return _upload(request, m)
    return _page(request, HTCDSUploadForm())


def _page(request, form, *, plan=None, status=200, token=None):
    return render(
        request,
        "exchange/import.html",
        {
            "form": form,
            "plan": plan,
            "report": plan.report if plan else None,
            "preview": plan.rows[:PREVIEW_ROWS] if plan and plan.ok else [],
            "left_out": sorted(plan.left_out.items()) if plan else [],
            "token": token,
        },
        status=status,
    )


def _upload(request, membership):
    form = HTCDSUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_FILE_BYTES:
        form.add_error(
            "file",
            _("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)},
        )
        return _page(request, form, status=400)
    data = upload.read()
    ext = Path(upload.name).suffix.lower()
    plan = services.plan_import(membership.organization, data, f"upload{ext}")
    if not plan.ok:
        return _page(request, HTCDSUploadForm(), plan=plan, status=400)
    _forget(request)
    token = _store(data)
    request.session[SESSION_KEY] = {
        "token": token,
        "ext": ext,
        "organization": membership.organization_id,
    }
    return _page(request, HTCDSUploadForm(), plan=plan, token=token)


def _confirm(request, membership):
    pending = request.session.get(SESSION_KEY) or {}
    token = request.POST.get("token", "")
    if (
        not pending
        or not _TOKEN.match(token)
        or not secrets.compare_digest(token, pending.get("token", ""))
        or pending.get("organization") != membership.organization_id
        or not _path(token).is_file()
    ):
        messages.error(request, _("That upload has expired. Upload the file again."))
        return redirect("htcds_import")
    data = decrypt_bytes(_path(token).read_bytes())
    # Checked again: reference data may have changed since the preview.
    plan = services.plan_import(membership.organization, data, f"upload{pending['ext']}")
    _forget(request)
    if not plan.ok:
        return _page(request, HTCDSUploadForm(), plan=plan, status=400)
    report = services.apply_import(membership, plan, request=request)
    messages.success(
        request,
        _("HTCDS file imported: %(people)d people registered, %(cases)d cases opened.")
        % {"people": report.people_created, "cases": report.cases_created},
    )
    return redirect("htcds_import")


def _forget(request) -> None:
    pending = request.session.pop(SESSION_KEY, None) or {}
    token = pending.get("token", "")
    if _TOKEN.match(token):
        _path(token).unlink(missing_ok=True)
