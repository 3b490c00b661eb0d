from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.access import member_with
from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.cases import selectors, services
from apps.cases.forms import AttachmentForm, CaseForm, NoteForm, StatusForm, TaskForm
from apps.cases.models import Case, CaseStatus
from apps.core import audit
from apps.core.dates import local_date
from apps.core.form_actions import add_service_error
from apps.core.selectors import reference_choices, reference_labels
from apps.hotline.views import case_call_facts
from apps.people.models import Person
from apps.people.selectors import person_for
from apps.people.services import StaleEdit


class ForwardPage:
    """One page of a list that knows whether a next page exists without counting the list.

    Django's Paginator runs COUNT(*) over every matching row: 50-80 ms for an
    organisation with 1,000,000 cases, most of the page's time (bench/RESULTS.md).
    This fetches one row more than it shows instead. pagination.html shows the
    page number without a total for it.
    """

    paginator = None  # no total: pagination.html shows the number alone

    def __init__(self, queryset, number, *, per_page: int):
        try:
            self.number = max(1, int(number))
        except (TypeError, ValueError):
            self.number = 1
        rows = self._rows(queryset, per_page)
        if not rows and self.number > 1:  # past the end (the last page is not known): page 1
            self.number = 1
            rows = self._rows(queryset, per_page)
        self.object_list = rows[:per_page]
        self._has_next = len(rows) > per_page

    def _rows(self, queryset, per_page):
        start = (self.number - 1) * per_page
        return list(queryset[start : start + per_page + 1])

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self):
        return self._has_next

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_previous() or self.has_next()

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


def list_rows(values, base_path: str) -> list[dict]:
    """Display rows for the case list: labels, links and names prepared once here,
    so the template only prints (it is the hot path of the busiest page)."""
    type_labels = reference_labels("case_type")
    status_labels = dict(CaseStatus.choices)
    rows = []
    for r in values:
        if r["person__hide_name"]:
            name = Person.code_for(r["person_id"])
        else:
            parts = (r["person__family_name"], r["person__given_name"], r["person__patronymic"])
            name = " ".join(p for p in parts if p)
        rows.append(
            {
                "href": f"{base_path}{r['pk']}/",
                "reference": Case.reference_for(r["pk"]),
                "person": name,
                "type": type_labels.get(r["case_type"], r["case_type"]),
                "status": r["status"],
                "status_label": status_labels.get(r["status"], r["status"]),
                "assigned": User.name_for(r["assigned_to__full_name"], r["assigned_to__email"])
                or "—",
                "opened": local_date(r["opened_on"]),
            }
        )
    return rows


@login_required
def case_list(request):
    m = member_with(request, Permission.VIEW_CASES)
    filters = {
        "status": request.GET.get("status", ""),
        "case_type": request.GET.get("case_type", ""),
        "assigned": request.GET.get("assigned", ""),
    }
    page = ForwardPage(selectors.case_list(m, **filters), request.GET.get("page"), per_page=50)
    rows = list_rows(page, request.path)
    audit.shown(m, [r["pk"] for r in page], target_type="case", request=request)
    return render(
        request,
        "cases/list.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "statuses": CaseStatus.choices,
            "case_types": reference_choices("case_type"),
        },
    )


@login_required
def case_open(request, person_id):
    m = member_with(request, Permission.EDIT_CASES)
    person = person_for(m, person_id)
    form = CaseForm(
        request.POST or None,
        organization=m.organization,
        initial={"opened_on": timezone.localdate(), "assigned_to": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(
                membership=m, person=person, data=form.case_data(), request=request
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
            return redirect("case_detail", case_id=case.pk)
    return render(request, "cases/form.html", {"form": form, "person": person, "case": None})


TASKS_PER_PAGE = 20  # on a case page
MY_TASKS_PER_PAGE = 25


def _render_case(request, m, case, **forms):
    services.record_case_view(membership=m, case=case, request=request)
    tasks = Paginator(selectors.tasks_of_case(m, case), TASKS_PER_PAGE).get_page(
        request.GET.get("tasks_page")
    )
    context = {
        "case": case,
        "person": case.person,
        "notes": selectors.notes_of_case(m, case),
        "can_read_notes": m.can(Permission.VIEW_CASE_NOTES),
        "summary": selectors.case_summary(m, case),
        "tasks": tasks,
        # Just marked done: Undo by the task too, since the message may be off-screen.
        "reopenable": {t.pk for t in tasks if services.may_reopen(t)},
        "attachments": case.attachments.all(),
        "history": case.history.select_related("history_user").order_by("-history_date")[:20],
        "labels": {
            kind: reference_labels(kind)
            for kind in (
                "case_type",
                "exploitation",
                "means_of_control",
                "recruitment_channel",
                "closure_reason",
                "country",
            )
        },
        "note_form": forms.get("note_form") or NoteForm(),
        "task_form": forms.get("task_form") or TaskForm(organization=m.organization),
        "status_form": forms.get("status_form")
        or StatusForm(initial={"version": case.version}, current=case.status),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
    }
    context.update(case_call_facts(request, m, case))  # the calls, agency, contact persons
    return render(request, "cases/detail.html", context, status=forms.get("status", 200))


@login_required
def case_detail(request, case_id):
    m = member_with(request, Permission.VIEW_CASES)
    return _render_case(request, m, selectors.case_for(m, case_id))


@login_required
def case_edit(request, case_id):
    m = member_with(request, Permission.EDIT_CASES)
    case = selectors.case_for(m, case_id)
    if request.method == "POST":
        form = CaseForm(request.POST, organization=m.organization)
        if form.is_valid():
            try:
                services.update_case(
                    membership=m,
                    case=case,
                    data=form.case_data(),
                    expected_version=form.cleaned_data["version"] or 0,
                    request=request,
                )
            except StaleEdit as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("case_detail", case_id=case.pk)
        status = 409 if form.non_field_errors() else 200
    else:
        form = CaseForm(initial=CaseForm.initial_from(case), organization=m.organization)
        status = 200
        services.record_case_view(membership=m, case=case, request=request)
    return render(
        request,
        "cases/form.html",
        {"form": form, "person": case.person, "case": case},
        status=status,
    )


@login_required
@require_POST
def case_status(request, case_id):
    m = member_with(request, Permission.EDIT_CASES)
    case = selectors.case_for(m, case_id)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_case_status(
                membership=m,
                case=case,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["closure_reason"],
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        except (ValidationError, StaleEdit) as exc:
            form.add_error(None, exc.messages[0] if hasattr(exc, "messages") else str(exc))
        else:
            messages.success(request, _("Status changed."))
            return redirect("case_detail", case_id=case.pk)
    return _render_case(request, m, case, status_form=form, status=400)


@login_required
@require_POST
def note_add(request, case_id):
    m = member_with(request, Permission.VIEW_CASE_NOTES)
    case = selectors.case_for(m, case_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_case_note(
                membership=m, case=case, body=form.cleaned_data["body"], request=request
            )
        except ValidationError as exc:
            form.add_error("body", exc)
        else:
            messages.success(request, _("Note added."))
            return redirect("case_detail", case_id=case.pk)
    return _render_case(request, m, case, note_form=form, status=400)


@login_required
@require_POST
def task_add(request, case_id):
    m = member_with(request, Permission.EDIT_CASES)
    case = selectors.case_for(m, case_id)
    form = TaskForm(request.POST, organization=m.organization)
    if form.is_valid():
        try:
            services.add_task(membership=m, case=case, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Task added."))
            return redirect("case_detail", case_id=case.pk)
    return _render_case(request, m, case, task_form=form, status=400)


def _next_list(request) -> str:
    """The list a task was marked on, when it is not the case page."""
    back = request.POST.get("next", "")
    return back if back in ("dashboard", "tasks") else ""


def _back_from_task(request, case):
    """Back to the list the task was marked on: the dashboard, "My tasks" or the case."""
    back = _next_list(request)
    if back == "dashboard":
        return redirect("dashboard")
    if back == "tasks":
        return redirect("my_tasks")
    return redirect(reverse("case_detail", args=[case.pk]) + "#tasks")


@login_required
@require_POST
def task_done(request, case_id, task_id):
    m = member_with(request, Permission.EDIT_CASES)
    case = selectors.case_for(m, case_id)
    task = get_object_or_404(case.tasks, pk=task_id, done_at__isnull=True)
    services.complete_task(membership=m, task=task, request=request)
    # The message carries its own Undo button (a form), so it works on whichever page
    # the member lands; it holds no task title, since messages may travel in a cookie.
    messages.success(
        request,
        render_to_string(
            "cases/_task_done_message.html",
            {"case": case, "task": task, "next": _next_list(request)},
            request=request,
        ),
    )
    return _back_from_task(request, case)


@login_required
@require_POST
def task_undo(request, case_id, task_id):
    m = member_with(request, Permission.EDIT_CASES)
    case = selectors.case_for(m, case_id)
    task = selectors.task_for(m, case, task_id)
    try:
        services.reopen_task(membership=m, task=task, request=request)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The task is open again."))
    return _back_from_task(request, case)


@login_required
def my_tasks(request):
    """The member's open tasks, all of them, a page at a time."""
    m = member_with(request, Permission.VIEW_CASES)
    page = Paginator(selectors.my_tasks(m), MY_TASKS_PER_PAGE).get_page(request.GET.get("page"))
    # Task titles are free text about a client: the look is recorded like any list's.
    audit.shown(m, page.object_list, target_type="task", request=request)
    return render(request, "cases/my_tasks.html", {"page": page, "tasks": page.object_list})


@login_required
@require_POST
def attachment_add(request, case_id):
    m = member_with(request, Permission.EDIT_CASES)
    case = selectors.case_for(m, case_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(
                membership=m, case=case, uploaded_file=form.cleaned_data["file"], request=request
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("File attached."))
            return redirect("case_detail", case_id=case.pk)
    return _render_case(request, m, case, attachment_form=form, status=400)


@login_required
def attachment_download(request, case_id, attachment_id):
    m = member_with(request, Permission.VIEW_CASES)
    case = selectors.case_for(m, case_id)
    att = get_object_or_404(case.attachments, pk=attachment_id)
    data = services.read_attachment(membership=m, attachment=att, request=request)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{case.reference}-{att.pk}"'
    return response
