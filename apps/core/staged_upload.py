"""Upload a file, check it and show a preview, then confirm: the one flow behind every
all-or-nothing import page (the register import, the HTCDS import).

The uploaded file is kept between the preview and the confirmation so that nobody
uploads it twice: encrypted (such files are full of identities) under VAR_DIR/imports
with a random name known only to the uploader's session, checked again on
confirmation (reference data or the register may have changed meanwhile), and deleted
once imported or abandoned; files of previews abandoned for a day are removed.
"""

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.core.crypto import decrypt_bytes, encrypt_bytes

STALE_AFTER_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{40}$")


class PlanChanged(Exception):
    """Raised by an `apply` when the data changed between the check and the write: the
    page says so and keeps the upload, so that the user can check it again."""


def _imports_dir() -> Path:
    return Path(settings.VAR_DIR) / "imports"


def stored_path(token: str) -> Path:
    return _imports_dir() / f"{token}.bin"


def store_upload(data: bytes) -> str:
    """Keep `data` encrypted under a new random token; returns the token."""
    folder = _imports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale(folder)
    token = secrets.token_hex(20)
    stored_path(token).write_bytes(encrypt_bytes(data))
    return token


def read_upload(token: str) -> bytes | None:
    """The decrypted content of a kept upload (in memory only), or None if it is gone."""
    if not _TOKEN.match(token or ""):
        return None
    try:
        return decrypt_bytes(stored_path(token).read_bytes())
    except FileNotFoundError:
        return None


def forget_upload(token: str) -> None:
    """Delete a kept upload (imported, abandoned or refused)."""
    if _TOKEN.match(token or ""):
        stored_path(token).unlink(missing_ok=True)


def _remove_stale(folder: Path) -> None:
    cutoff = time.time() - STALE_AFTER_SECONDS
    for old in folder.glob("*.bin"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except FileNotFoundError:
            pass  # removed by another request meanwhile


@dataclass(frozen=True)
class StagedImport:
    """One import page. `plan(organization, data, filename)` checks a file and returns a
    plan with `.ok`, `.report` and `.rows`; `apply(membership, plan, request)` writes it
    and returns the success message (or raises PlanChanged).

    With `enqueue(membership, token, ext, request)` instead, confirming hands the kept
    file (still encrypted) to a background job that checks it again and writes it;
    `enqueue` returns the response (the job's progress page) and owns the file from
    then on."""

    session_key: str
    url_name: str
    template: str
    form_class: type[forms.Form]
    plan: Callable
    apply: Callable | None
    max_bytes: int
    extra_context: Callable = field(default=lambda plan: {})
    preview_rows: int = 20
    enqueue: Callable | None = None
    # reclaim(membership, job_token) -> (token, ext) or None: a queued import that found
    # the data changed gives its kept file back, to be checked again without an upload.
    reclaim: Callable | None = None

    def handle(self, request, membership):
        """GET: the upload form; POST: upload (check and preview), confirm or cancel."""
        if request.method != "POST":
            return self.page(request, self.form_class())
        action = request.POST.get("action", "upload")
        if action == "confirm":
            return self._confirm(request, membership)
        if action == "cancel":
            self._forget(request)
            return redirect(self.url_name)
        if action == "recheck" and self.reclaim is not None:
            return self._recheck(request, membership)
        return self._upload(request, membership)

    def page(self, request, form, *, plan=None, status=200, token=None):
        context = {
            "form": form,
            "plan": plan,
            "report": plan.report if plan else None,
            "preview": plan.rows[: self.preview_rows] if plan and plan.ok else [],
            "token": token,
            **self.extra_context(plan),
        }
        return render(request, self.template, context, status=status)

    def _upload(self, request, membership):
        form = self.form_class(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(request, form, status=400)
        upload = form.cleaned_data["file"]
        if upload.size > self.max_bytes:
            form.add_error(
                "file",
                _("The file is larger than %(size)d MB.")
                % {"size": self.max_bytes // (1024 * 1024)},
            )
            return self.page(request, form, status=400)
        data = upload.read()
        ext = Path(upload.name).suffix.lower()
        plan = self.plan(membership.organization, data, f"upload{ext}")
        if not plan.ok:
            return self.page(request, self.form_class(), plan=plan, status=400)
        self._forget(request)
        token = store_upload(data)
        request.session[self.session_key] = {
            "token": token,
            "ext": ext,
            "organization": membership.organization_id,
        }
        return self.page(request, self.form_class(), plan=plan, token=token)

    def _recheck(self, request, membership):
        claimed = self.reclaim(membership, request.POST.get("job", ""))
        data = read_upload(claimed[0]) if claimed else None
        if data is None:
            messages.error(request, _("That upload has expired. Upload the file again."))
            return redirect(self.url_name)
        token, ext = claimed
        plan = self.plan(membership.organization, data, f"upload{ext}")
        if not plan.ok:
            forget_upload(token)
            return self.page(request, self.form_class(), plan=plan, status=400)
        self._forget(request)
        request.session[self.session_key] = {
            "token": token,
            "ext": ext,
            "organization": membership.organization_id,
        }
        return self.page(request, self.form_class(), plan=plan, token=token)

    def _confirm(self, request, membership):
        pending = request.session.get(self.session_key) or {}
        token = request.POST.get("token", "")
        if (
            not pending
            or not _TOKEN.match(token)
            or not secrets.compare_digest(token, pending.get("token", ""))
            or pending.get("organization") != membership.organization_id
            or not stored_path(token).is_file()
        ):
            messages.error(request, _("That upload has expired. Upload the file again."))
            return redirect(self.url_name)
        if self.enqueue is not None:
            # The job checks the file again and deletes it; the session lets go of it.
            request.session.pop(self.session_key, None)
            return self.enqueue(membership, token, pending["ext"], request)
        data = decrypt_bytes(stored_path(token).read_bytes())
        # Checked again: the register or reference data may have changed since the preview.
        plan = self.plan(membership.organization, data, f"upload{pending['ext']}")
        if not plan.ok:
            self._forget(request)
            return self.page(request, self.form_class(), plan=plan, status=400)
        try:
            done = self.apply(membership, plan, request)
        except PlanChanged as exc:
            messages.error(request, str(exc))
            return self.page(request, self.form_class(), plan=plan, token=token, status=409)
        self._forget(request)
        messages.success(request, done)
        return redirect(self.url_name)

    def _forget(self, request) -> None:
        pending = request.session.pop(self.session_key, None) or {}
        token = pending.get("token", "")
        if _TOKEN.match(token):
            stored_path(token).unlink(missing_ok=True)
