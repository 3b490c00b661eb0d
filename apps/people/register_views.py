"""The register import page: upload, check and preview, then confirm (the flow of
apps.core.staged_upload, which keeps the file encrypted between the two steps).

Confirming queues a background job (apps.operations, docs/decisions/0029): the job
checks the kept file again, writes it all or nothing and shows its progress and then
its report on the job's page. Every import goes through the job, small ones too: the
request never holds the database for the write, and one path is tested.
"""

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy

from apps.core.staged_upload import StagedImport
from apps.people.register_import import COLUMNS, MAX_FILE_BYTES, plan_import

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


def _enqueue(membership, token: str, ext: str, request):
    from apps.operations.services import start_register_import

    job = start_register_import(membership=membership, token=token, ext=ext)
    return redirect("operations_job", token=job.token)


def _reclaim(membership, job_token: str):
    from apps.operations.services import reclaim_staged_import

    return reclaim_staged_import(membership=membership, job_token=job_token)


REGISTER_IMPORT = StagedImport(
    session_key="register_import",
    url_name="register_import",
    template="people/register_import.html",
    form_class=RegisterUploadForm,
    plan=plan_import,
    apply=None,
    enqueue=_enqueue,
    reclaim=_reclaim,
    max_bytes=MAX_FILE_BYTES,
    extra_context=lambda plan: {"columns": COLUMNS},
)


def register_import_view(request, membership):
    """GET: the upload form (or the template CSV); POST: upload, confirm or cancel."""
    if request.method == "GET" and request.GET.get("template") == "csv":
        return _template_csv()
    from apps.linkage.import_preview import with_possible_matches

    # The preview marks new people who may already be registered (apps.linkage).
    return with_possible_matches(REGISTER_IMPORT, membership, request).handle(request, membership)


def _template_csv() -> HttpResponse:
    # A byte-order mark so that Excel opens the UTF-8 file with the right letters.
    header = ",".join(COLUMNS)
    example = ",".join(TEMPLATE_ROW.get(c, "") for c in COLUMNS)
    response = HttpResponse(
        "\ufeff" + header + "\r\n" + example + "\r\n", content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="koldoo-register-template.csv"'
    return response
