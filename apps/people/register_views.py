"""The register import page: upload, check and preview, then confirm.

The uploaded file is kept between the preview and the confirmation so that the
admin does not upload it twice: encrypted (it is full of identities) under
VAR_DIR/imports with a random name known only to the admin's session, checked
again on confirmation, and deleted once imported or abandoned.

The import runs inside the request. On SQLite its single transaction holds the
write lock while it writes (about 40 seconds for 100,000 rows), so other users'
writes wait meanwhile; very large registers are better imported with
`manage.py import_register` outside office hours.
"""

import re
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.crypto import decrypt_bytes, encrypt_bytes
from apps.people.register_import import (
    COLUMNS,
    MAX_FILE_BYTES,
    RegisterChanged,
    apply_import,
    plan_import,
)

SESSION_KEY = "register_import"
PREVIEW_ROWS = 20
# Files of abandoned previews are removed after this long.
STALE_AFTER_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{40}$")
TEMPLATE_ROW = {
    "external_id": "R-0001",
    "family_name": "Example",
    "given_name": "Person",
    "sex": "F",
    "birth_date": "1990-05",
    "citizenship": "KG",
    "region": "osh",
    "phone": "+996 700 000000",
    "case_type": "trafficking",
    "opened_on": "2024-03-31",
    "exploitation": "forced_labour;debt_collateral",
    "country_of_exploitation": "RU",
    "status": "open",
    "notes": "Fictitious example row: delete it.",
}


class RegisterUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Register file (.csv or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


def register_import_view(request, membership):
    """GET: the upload form (or the template CSV); POST: upload, confirm or cancel."""
    if request.method == "GET" and request.GET.get("template") == "csv":
        return _template_csv()
    if request.method == "POST":
        action = request.POST.get("action", "upload")
        if action == "confirm":
            return _confirm(request, membership)
        if action == "cancel":
            _forget(request)
            return redirect("register_import")
        return _upload(request, membership)
    return _page(request, RegisterUploadForm())


def _page(request, form, *, plan=None, status=200, token=None):
    return render(
        request,
        "people/register_import.html",
        {
            "form": form,
            "plan": plan,
            "report": plan.report if plan else None,
            "preview": plan.rows[:PREVIEW_ROWS] if plan and plan.ok else [],
            "token": token,
            "columns": COLUMNS,
        },
        status=status,
    )


def _upload(request, membership):
    form = RegisterUploadForm(request.POST, request.FILES)
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
    plan = plan_import(membership.organization, data, f"upload{ext}")
    if not plan.ok:
        return _page(request, RegisterUploadForm(), plan=plan, status=400)
    _forget(request)
    token = _store(data)
    request.session[SESSION_KEY] = {
        "token": token,
        "ext": ext,
        "organization": membership.organization_id,
    }
    return _page(request, RegisterUploadForm(), plan=plan, token=token)


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
        return redirect("register_import")
    data = decrypt_bytes(_path(token).read_bytes())
    # Checked again: the register may have changed since the preview.
    plan = plan_import(membership.organization, data, f"upload{pending['ext']}")
    if not plan.ok:
        _forget(request)
        return _page(request, RegisterUploadForm(), plan=plan, status=400)
    try:
        report = apply_import(membership, plan, request=request)
    except RegisterChanged as exc:
        messages.error(request, str(exc))
        return _page(request, RegisterUploadForm(), plan=plan, token=token, status=409)
    _forget(request)
    messages.success(
        request,
        _(
            "Register imported: %(created)d people registered, %(updated)d updated, "
            "%(cases_created)d cases opened, %(cases_updated)d cases updated."
        )
        % {
            "created": report.people_created,
            "updated": report.people_updated,
            "cases_created": report.cases_created,
            "cases_updated": report.cases_updated,
        },
    )
    return redirect("register_import")


def _imports_dir() -> Path:
    return Path(settings.VAR_DIR) / "imports"


def _path(token: str) -> Path:
    return _imports_dir() / f"{token}.bin"


def _store(data: bytes) -> str:
    folder = _imports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale(folder)
    token = secrets.token_hex(20)
    _path(token).write_bytes(encrypt_bytes(data))
    return token


def _remove_stale(folder: Path) -> None:
    cutoff = time.time() - STALE_AFTER_SECONDS
    for old in folder.glob("*.bin"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except FileNotFoundError:
            pass  # removed by another request meanwhile


def _forget(request) -> None:
    pending = request.session.pop(SESSION_KEY, None) or {}
    token = pending.get("token", "")
    if _TOKEN.match(token):
        _path(token).unlink(missing_ok=True)


def _template_csv() -> HttpResponse:
    # A byte-order mark so that Excel opens the UTF-8 file with the right letters.
    header = ",".join(COLUMNS)
    example = ",".join(TEMPLATE_ROW.get(c, "") for c in COLUMNS)
    response = HttpResponse(
        "\ufeff" + header + "\r\n" + example + "\r\n", content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="koldoo-register-template.csv"'
    return response
