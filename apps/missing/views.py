"""Relatives' appeals about people missing abroad: list, intake, follow-up, matching."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from apps.accounts.access import member_with
from apps.accounts.roles import Permission
from apps.core import audit
from apps.core.form_actions import submit
from apps.core.models import AuditEntry
from apps.core.selectors import reference_choices, reference_labels
from apps.core.widgets import LocalDateInput
from apps.missing import selectors, services
from apps.missing.models import (
    AppealStatus,
    ClosureReason,
    ContactChannel,
    DocumentsHeldBy,
    Relation,
)
from apps.people.models import Sex


def _date(label, required=False):
    return forms.DateField(label=label, required=required, widget=LocalDateInput())


def _text(label, rows=3, max_length=services.TEXT_MAX):
    return forms.CharField(
        label=label, required=False, max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )  # fmt: skip


def _short(label, required=False):
    return forms.CharField(label=label, required=required, max_length=services.SHORT_MAX)


class AppealFactsForm(forms.Form):
    reporter_name = _short(gettext_lazy("Who reports (name)"), required=True)
    reporter_relation = forms.ChoiceField(
        label=gettext_lazy("Relation to the missing person"), choices=Relation.choices
    )
    reporter_contact = _short(gettext_lazy("How to reach who reports"))
    received_on = _date(gettext_lazy("Appeal received on"), required=True)
    destination_country = forms.ChoiceField(label=gettext_lazy("Destination country"),
                                            required=False)  # fmt: skip
    employer = _short(gettext_lazy("Employer or agency (as the relative names it)"))
    agency = forms.IntegerField(
        label=gettext_lazy("Agency number in the register"), required=False, min_value=1
    )
    last_contact_on = _date(gettext_lazy("Last contact on"))
    last_contact_channel = forms.ChoiceField(
        label=gettext_lazy("Last contact by"),
        choices=[("", "—"), *ContactChannel.choices],
        required=False,
    )
    last_contact_number = _short(gettext_lazy("Number or account of the last contact"))
    circumstances = _text(gettext_lazy("Circumstances"), rows=4)
    documents_held_by = forms.ChoiceField(
        label=gettext_lazy("Documents held by"), choices=DocumentsHeldBy.choices,
        initial=DocumentsHeldBy.UNKNOWN,
    )  # fmt: skip
    consulate_contacted_on = _date(gettext_lazy("Consulate contacted on"))
    consulate_contact = _short(gettext_lazy("Consulate contact"))
    police_contacted_on = _date(gettext_lazy("Police contacted on"))
    police_contact = _short(gettext_lazy("Police contact"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination_country"].choices = [("", "—"), *reference_choices("country")]

    def appeal_data(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in services.APPEAL_FIELDS}


class AppealForm(AppealFactsForm):
    """A new appeal: the missing person first, then the appeal's facts."""

    given_name = forms.CharField(label=gettext_lazy("Given name of the missing person"),
                                 max_length=100)  # fmt: skip
    family_name = forms.CharField(label=gettext_lazy("Family name"), max_length=100,
                                  required=False)  # fmt: skip
    patronymic = forms.CharField(label=gettext_lazy("Patronymic"), max_length=100,
                                 required=False)  # fmt: skip
    sex = forms.ChoiceField(label=gettext_lazy("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    birth_year = forms.IntegerField(label=gettext_lazy("Year of birth"), required=False,
                                    min_value=1900, max_value=2100)  # fmt: skip
    phone = forms.CharField(label=gettext_lazy("The missing person's phone"), max_length=60,
                            required=False)  # fmt: skip

    field_order = ["given_name", "family_name", "patronymic", "sex", "birth_year", "phone"]

    def person_data(self) -> dict:
        d = self.cleaned_data
        data = {k: d.get(k) for k in ("given_name", "family_name", "patronymic", "sex",
                                      "birth_year")}  # fmt: skip
        data["phones"] = [d["phone"]] if d.get("phone") else []
        return data


class NoteForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=AppealStatus.choices)
    body = forms.CharField(
        label=pgettext_lazy("follow-up", "What was done or learnt"),
        max_length=services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseForm(forms.Form):
    closure_reason = forms.ChoiceField(label=gettext_lazy("Reason for closing"),
                                       choices=ClosureReason.choices)  # fmt: skip
    closed_on = _date(gettext_lazy("Closed on"))


class CaseLinkForm(forms.Form):
    case = forms.IntegerField(label=gettext_lazy("Trafficking case number"), min_value=1)


def _member(request):
    return member_with(request, Permission.HANDLE_MISSING_APPEALS)


@login_required
def appeal_list(request):
    m = _member(request)
    status = request.GET.get("status", "")
    status = status if status in AppealStatus.values else ""
    page = Paginator(selectors.appeals_for(m, status=status), 50).get_page(request.GET.get("page"))
    audit.shown(m, page.object_list, request=request)
    return render(
        request,
        "missing/appeal_list.html",
        {"page": page, "status": status, "statuses": AppealStatus.choices},
    )


@login_required
def appeal_new(request):
    m = _member(request)
    if request.method == "POST":
        form = AppealForm(request.POST)
        if form.is_valid():
            try:
                appeal = services.create_appeal(
                    membership=m, data=form.appeal_data(), person=form.person_data(),
                    request=request,
                )  # fmt: skip
            except services.NotAllowed:
                raise PermissionDenied
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    field = "phone" if field == "phones" else field
                    form.add_error(field if field in form.fields else None, errors)
            else:
                return redirect("appeal_detail", appeal_id=appeal.pk)
        return render(request, "missing/appeal_form.html", {"form": form}, status=400)
    form = AppealForm(initial={"received_on": timezone.localdate()})
    return render(request, "missing/appeal_form.html", {"form": form})


def _render_detail(request, m, appeal, note_form=None, close_form=None, status=200,
                   case_form=None):  # fmt: skip
    matches = list(selectors.matches_of(m, appeal))
    cases = selectors.cases_of_matches(m, matches)
    for x in matches:
        x.cases = cases.get(x.person_id, [])
    if matches:
        audit.shown(m, [x.person_id for x in matches], target_type="person", request=request,
                    detail={"appeal": appeal.pk})  # fmt: skip
    return render(
        request,
        "missing/appeal_detail.html",
        {
            "appeal": appeal,
            "person": appeal.person,
            "notes": selectors.notes_of(m, appeal),
            "matches": matches,
            "may_see_matches": selectors.may_see_matches(m),
            "pending_matches": selectors.pending_match_count(m, appeal),
            "note_form": note_form or NoteForm(initial={"status": appeal.status}),
            "close_form": close_form or CloseForm(initial={"closed_on": timezone.localdate()}),
            "country_labels": reference_labels("country"),
            "can_open_cases": m.can(Permission.VIEW_CASES),
            "case_form": (case_form or CaseLinkForm()) if m.can(Permission.VIEW_CASES) else None,
        },
        status=status,
    )


@login_required
def appeal_detail(request, appeal_id):
    """An appeal, its follow-up and its possible matches (each look audited)."""
    m = _member(request)
    appeal = selectors.appeal_for(m, appeal_id)
    audit.by_member(AuditEntry.Action.VIEW, m, appeal, request, {"person": appeal.person_id})
    return _render_detail(request, m, appeal)


@login_required
def appeal_edit(request, appeal_id):
    m = _member(request)
    appeal = selectors.appeal_for(m, appeal_id)
    if request.method == "POST":
        form = AppealFactsForm(request.POST)
        version = int(request.POST.get("version") or 0)
        return submit(
            request,
            form,
            lambda d: services.update_appeal(
                membership=m,
                appeal=appeal,
                data=form.appeal_data(),
                expected_version=version,
                request=request,
            ),  # fmt: skip
            success=_("Appeal saved."),
            done=reverse("appeal_detail", args=[appeal.pk]),
            page=lambda f: render(
                request, "missing/appeal_form.html", {"form": f, "appeal": appeal}, status=400
            ),  # fmt: skip
        )
    initial = {k: getattr(appeal, k) for k in services.APPEAL_FIELDS}
    initial["agency"] = appeal.agency_id
    audit.by_member(AuditEntry.Action.VIEW, m, appeal, request, {"form": "edit"})
    return render(
        request,
        "missing/appeal_form.html",
        {"form": AppealFactsForm(initial=initial), "appeal": appeal},  # fmt: skip
    )


@login_required
def appeal_note_add(request, appeal_id):
    m = _member(request)
    appeal = selectors.appeal_for(m, appeal_id)
    if request.method != "POST":
        return redirect("appeal_detail", appeal_id=appeal.pk)
    return submit(
        request,
        NoteForm(request.POST),
        lambda d: services.add_note(
            membership=m, appeal=appeal, status=d["status"], body=d["body"], request=request
        ),  # fmt: skip
        success=_("Follow-up added."),
        done=reverse("appeal_detail", args=[appeal.pk]),
        page=lambda f: _render_detail(request, m, appeal, note_form=f, status=400),
    )


@login_required
def appeal_close(request, appeal_id):
    m = _member(request)
    appeal = selectors.appeal_for(m, appeal_id)
    if request.method != "POST":
        return redirect("appeal_detail", appeal_id=appeal.pk)
    return submit(
        request,
        CloseForm(request.POST),
        lambda d: services.close_appeal(
            membership=m,
            appeal=appeal,
            reason=d["closure_reason"],
            closed_on=d.get("closed_on"),
            request=request,
        ),  # fmt: skip
        success=_("Appeal closed."),
        done=reverse("appeal_detail", args=[appeal.pk]),
        page=lambda f: _render_detail(request, m, appeal, close_form=f, status=400),
    )


@login_required
def match_decide(request, appeal_id, match_id):
    """Confirm or reject a possible match (members who may view people)."""
    m = _member(request)
    appeal = selectors.appeal_for(m, appeal_id)
    if not selectors.may_see_matches(m):
        raise PermissionDenied
    match = selectors.match_for(m, appeal, match_id)
    if request.method != "POST":
        return redirect("appeal_detail", appeal_id=appeal.pk)
    confirmed = request.POST.get("decision") == "confirm"
    try:
        services.decide_match(membership=m, match=match, confirmed=confirmed, request=request)
    except services.NotAllowed:
        raise PermissionDenied
    except ValidationError as exc:
        from django.contrib import messages

        messages.error(request, " ".join(exc.messages))
    return redirect("appeal_detail", appeal_id=appeal.pk)


@login_required
def appeal_case_link(request, appeal_id):
    """Tie the appeal to a trafficking case of the organisation (members who open cases)."""
    m = _member(request)
    appeal = selectors.appeal_for(m, appeal_id)
    if not m.can(Permission.VIEW_CASES):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("appeal_detail", appeal_id=appeal.pk)

    def save(d):
        from apps.cases.selectors import cases_visible_to

        case = cases_visible_to(m).filter(pk=d["case"]).first()
        services.link_case(membership=m, appeal=appeal, case=case, request=request)

    return submit(
        request,
        CaseLinkForm(request.POST),
        save,
        success=_("Appeal linked to the case."),
        done=reverse("appeal_detail", args=[appeal.pk]),
        page=lambda f: _render_detail(request, m, appeal, case_form=f, status=400),
    )
