"""Pages of legal work: consultation log, lawyer's case list, proceeding page with its
action forms, deadline task list, calendar and its private iCalendar feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.access import member_with
from apps.accounts.roles import Permission
from apps.core.form_actions import add_service_error, submit
from apps.legal import forms, selectors, services
from apps.legal.calendar_feed import feed_for
from apps.legal.models import HearingStatus, StageType
from apps.people.services import NotAllowed, StaleEdit


def _legal(request):
    return member_with(request, Permission.LEGAL_WORK)


# --- consultations ---------------------------------------------------------------------


def _consultations_page(request, m, form, status=200):
    rows = list(selectors.consultations_visible_to(m).select_related("given_by", "person")[:200])
    services.record_look(membership=m, records=rows, request=request)
    from apps.core.selectors import reference_labels

    return render(
        request,
        "legal/consultations.html",
        {
            "form": form,
            "consultations": rows,
            "years": selectors.people_helped_by_year(m),
            "regions": reference_labels("region"),
        },
        status=status,
    )


@login_required
def consultations(request):
    m = _legal(request)
    if request.method == "POST":
        form = forms.ConsultationForm(request.POST, membership=m)
        return submit(
            request,
            form,
            lambda d: services.record_consultation(
                membership=m, data={**d, "person": d["person_code"]}, request=request
            ),
            success=_("Consultation logged."),
            done=reverse("legal_consultations"),
            page=lambda f: _consultations_page(request, m, f, 400),
        )
    form = forms.ConsultationForm(
        membership=m,
        initial={"given_on": timezone.localdate(), "person_code": request.GET.get("person", "")},
    )
    return _consultations_page(request, m, form)


# --- case list, new proceeding ------------------------------------------------------------


@login_required
def case_list(request):
    m = _legal(request)
    flt = forms.CaseListFilter(request.GET or None, membership=m)
    filters = {}
    if flt.is_valid():
        d = flt.cleaned_data
        filters = {
            "stage": d["stage"],
            "article": str(d["article"].pk) if d["article"] else "",
            "court": d["court"],
            "lawyer": str(d["lawyer"].pk) if d["lawyer"] else "",
        }
    rows = list(selectors.lawyer_case_list(m, **filters)[:200])
    services.record_look(membership=m, records=rows, request=request)
    return render(
        request,
        "legal/case_list.html",
        {
            "filter": flt,
            "rows": rows,
            "stage_labels": dict(StageType.choices),
            "missed": list(selectors.missed_deadlines(m)[:50]),
            "durations": selectors.median_days_per_stage(m),
        },
        status=200 if flt.is_bound is False or flt.is_valid() else 400,
    )


@login_required
def proceeding_new(request):
    m = _legal(request)
    if request.method == "POST":
        form = forms.ProceedingForm(request.POST, membership=m)
        if form.is_valid():
            d = form.cleaned_data
            try:
                p = services.open_proceeding(
                    membership=m, case=d["case_reference"], data=d, request=request
                )
            except NotAllowed:
                raise PermissionDenied
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Proceeding opened."))
                return redirect("legal_proceeding", pk=p.pk)
        return render(request, "legal/proceeding_new.html", {"form": form}, status=400)
    initial = {"opened_on": timezone.localdate(), "lawyer": m.user}
    if request.GET.get("case"):
        initial["case_reference"] = request.GET["case"]
    form = forms.ProceedingForm(membership=m, initial=initial)
    return render(request, "legal/proceeding_new.html", {"form": form})


# --- the proceeding page ------------------------------------------------------------------

FORMS = {
    "stage_form": lambda p, *a: forms.StageForm(*a, proceeding=p, prefix="stage"),
    "defendant_form": lambda p, *a: forms.DefendantForm(*a, prefix="defendant"),
    "charge_form": lambda p, *a: forms.ChargeForm(*a, proceeding=p, prefix="charge"),
    "verdict_form": lambda p, *a: forms.VerdictForm(*a, proceeding=p, prefix="verdict"),
    "hearing_form": lambda p, *a: forms.HearingForm(*a, proceeding=p, prefix="hearing"),
    "deadline_form": lambda p, *a: forms.DeadlineForm(*a, prefix="deadline"),
    "compensation_form": lambda p, *a: forms.CompensationForm(*a, prefix="compensation"),
    "protection_form": lambda p, *a: forms.ProtectionForm(*a, prefix="protection"),
    "timeline_form": lambda p, *a: forms.TimelineForm(*a, proceeding=p, prefix="timeline"),
}


def _render_proceeding(request, m, p, status=200, **bound):
    data = selectors.proceeding_page(m, p)
    context = {"proceeding": p, **data, "error_form": bound.get("error_form")}
    for name, make in FORMS.items():
        context[name] = bound.get(name) or make(p)
    for s in data["stages"]:
        s.decision_form = bound.get(f"decision_{s.pk}") or forms.DecisionForm(
            prefix=f"decision-{s.pk}"
        )
        s.document_form = bound.get(f"document_{s.pk}") or forms.DocumentForm(prefix=f"doc-{s.pk}")
    for h in data["hearings"]:
        h.result_form = bound.get(f"result_{h.pk}") or forms.HearingResultForm(
            prefix=f"result-{h.pk}",
            initial={
                "status": h.status,
                "result": h.result,
                "next_on": h.next_on,
                "seen": services.hearing_outcome_tag(h),
            },
        )
    for pt in data["participants"]:
        pt.contact_form = bound.get(f"contact_{pt.pk}") or forms.ContactAttemptForm(
            proceeding=p, prefix=f"contact-{pt.pk}"
        )
        pt.stop_form = bound.get(f"stop_{pt.pk}") or forms.StopParticipationForm(
            prefix=f"stop-{pt.pk}"
        )
    for d in data["defendants"]:
        d.custody_form = bound.get(f"custody_{d.pk}") or forms.CustodyForm(
            prefix=f"custody-{d.pk}", initial={"custody_status": d.custody_status}
        )
    context["participant_form"] = bound.get("participant_form") or forms.ParticipantForm(
        membership=m, prefix="participant"
    )
    for r in data["protection_requests"]:
        r.decision_form = bound.get(f"protection_{r.pk}") or forms.ProtectionDecisionForm(
            prefix=f"protection-{r.pk}"
        )
    return render(request, "legal/proceeding.html", context, status=status)


@login_required
def proceeding(request, pk):
    m = _legal(request)
    p = selectors.proceeding_for(m, pk)
    services.record_look(membership=m, records=[p], request=request)
    return _render_proceeding(request, m, p)


def _back_to_proceeding(request, m, p, form_name: str) -> dict:
    """`done` and `page` of core's submit() for an action form of the proceeding page:
    saved, back to the page; refused, the page again with the bound form in the place
    named `form_name` (a key of FORMS, or a per-row name such as "decision_<pk>")."""
    return {
        "done": reverse("legal_proceeding", args=[p.pk]),
        "page": lambda f: _render_proceeding(request, m, p, 400, **{form_name: f}),
    }


def _posting(request, pk):
    m = _legal(request)
    return m, selectors.proceeding_for(m, pk)


@login_required
@require_POST
def stage_add(request, pk):
    m, p = _posting(request, pk)
    return submit(
        request, FORMS["stage_form"](p, request.POST),
        lambda d: services.add_stage(membership=m, proceeding=p, data=d, request=request),
        success=_("Stage recorded."),
        **_back_to_proceeding(request, m, p, "stage_form"),
    )  # fmt: skip


@login_required
@require_POST
def stage_decision(request, pk, stage_id):
    m, p = _posting(request, pk)
    stage = selectors.stage_of(p, stage_id)
    form = forms.DecisionForm(request.POST, prefix=f"decision-{stage.pk}")
    return submit(
        request, form,
        lambda d: services.record_decision(membership=m, stage=stage, data=d, request=request),
        success=_("Decision recorded."),
        **_back_to_proceeding(request, m, p, f"decision_{stage.pk}"),
    )  # fmt: skip


@login_required
@require_POST
def document_add(request, pk, stage_id):
    m, p = _posting(request, pk)
    stage = selectors.stage_of(p, stage_id)
    form = forms.DocumentForm(request.POST, request.FILES, prefix=f"doc-{stage.pk}")
    return submit(
        request, form,
        lambda d: services.attach_document(
            membership=m, stage=stage, uploaded_file=d["file"], kind=d["kind"], request=request
        ),
        success=_("Document attached."),
        **_back_to_proceeding(request, m, p, f"document_{stage.pk}"),
    )  # fmt: skip


@login_required
def document_download(request, pk, document_id):
    m = _legal(request)
    p = selectors.proceeding_for(m, pk)
    from apps.legal.models import StageDocument

    document = selectors.one_of(StageDocument.objects.filter(stage__proceeding=p), document_id)
    data = services.read_document(membership=m, document=document, request=request)
    response = HttpResponse(data, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="document-{document.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def defendant_add(request, pk):
    m, p = _posting(request, pk)
    return submit(
        request, FORMS["defendant_form"](p, request.POST),
        lambda d: services.add_defendant(membership=m, proceeding=p, data=d, request=request),
        success=_("Defendant added."),
        **_back_to_proceeding(request, m, p, "defendant_form"),
    )  # fmt: skip


@login_required
@require_POST
def charge_add(request, pk):
    m, p = _posting(request, pk)
    return submit(
        request, FORMS["charge_form"](p, request.POST),
        lambda d: services.add_charge(
            membership=m, defendant=d["defendant"], article=d["article"], part=d["part"],
            paragraph=d["paragraph"], charged_on=d["charged_on"], request=request,
        ),
        success=_("Charge recorded."),
        **_back_to_proceeding(request, m, p, "charge_form"),
    )  # fmt: skip


@login_required
@require_POST
def verdict_add(request, pk):
    m, p = _posting(request, pk)
    form = FORMS["verdict_form"](p, request.POST)
    return submit(
        request, form,
        lambda d: services.record_verdict(
            membership=m, charge=d["charge"], stage=d["stage"], outcome=d["outcome"],
            decided_on=d["decided_on"], ground=d["ground"], sentence=form.sentence(),
            request=request,
        ),
        success=_("Verdict recorded."),
        **_back_to_proceeding(request, m, p, "verdict_form"),
    )  # fmt: skip


@login_required
@require_POST
def hearing_add(request, pk):
    m, p = _posting(request, pk)
    return submit(
        request, FORMS["hearing_form"](p, request.POST),
        lambda d: services.schedule_hearing(membership=m, proceeding=p, data=d, request=request),
        success=_("Hearing recorded."),
        **_back_to_proceeding(request, m, p, "hearing_form"),
    )  # fmt: skip


@login_required
@require_POST
def hearing_result(request, pk, hearing_id):
    m, p = _posting(request, pk)
    hearing = selectors.one_of(p.hearings.all(), hearing_id)
    form = forms.HearingResultForm(request.POST, prefix=f"result-{hearing.pk}")
    return submit(
        request, form,
        lambda d: services.record_hearing_result(
            membership=m, hearing=hearing, status=d["status"], result=d["result"],
            next_on=d["next_on"], seen=d["seen"] or None, request=request,
        ),
        success=_("Hearing updated."),
        **_back_to_proceeding(request, m, p, f"result_{hearing.pk}"),
    )  # fmt: skip


@login_required
@require_POST
def deadline_add(request, pk):
    m, p = _posting(request, pk)
    return submit(
        request, FORMS["deadline_form"](p, request.POST),
        lambda d: services.add_deadline(
            membership=m, proceeding=p, rule=d["rule"], counted_from=d["counted_from"],
            request=request,
        ),
        success=_("Deadline added."),
        **_back_to_proceeding(request, m, p, "deadline_form"),
    )  # fmt: skip


@login_required
@require_POST
def deadline_met(request, pk, deadline_id):
    m, p = _posting(request, pk)
    deadline = selectors.one_of(p.deadlines.all(), deadline_id)
    try:
        services.meet_deadline(membership=m, deadline=deadline, request=request)
    except StaleEdit:
        # A colleague (or another tab) marked it first: their day stays.
        messages.warning(
            request, _("This deadline was already marked as met; the date recorded was kept.")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Deadline marked as met."))
    if request.POST.get("next") == "tasks":
        return redirect("legal_deadlines")
    return redirect("legal_proceeding", pk=p.pk)


@login_required
@require_POST
def compensation_add(request, pk):
    m, p = _posting(request, pk)
    return submit(
        request, FORMS["compensation_form"](p, request.POST),
        lambda d: services.record_compensation(membership=m, proceeding=p, data=d, request=request),
        success=_("Compensation recorded."),
        **_back_to_proceeding(request, m, p, "compensation_form"),
    )  # fmt: skip


@login_required
@require_POST
def protection_add(request, pk):
    m, p = _posting(request, pk)
    return submit(
        request, FORMS["protection_form"](p, request.POST),
        lambda d: services.request_protection(
            membership=m, proceeding=p, measure=d["measure"], requested_on=d["requested_on"],
            request=request,
        ),
        success=_("Protection request recorded."),
        **_back_to_proceeding(request, m, p, "protection_form"),
    )  # fmt: skip


@login_required
@require_POST
def protection_decide(request, pk, item_id):
    m, p = _posting(request, pk)
    item = selectors.one_of(p.protection_requests.all(), item_id)
    form = forms.ProtectionDecisionForm(request.POST, prefix=f"protection-{item.pk}")
    return submit(
        request, form,
        lambda d: services.decide_protection(membership=m, item=item, request=request, **d),
        success=_("Decision on protection recorded."),
        **_back_to_proceeding(request, m, p, f"protection_{item.pk}"),
    )  # fmt: skip


@login_required
@require_POST
def timeline_add(request, pk):
    m, p = _posting(request, pk)
    return submit(
        request, FORMS["timeline_form"](p, request.POST),
        lambda d: services.add_timeline_entry(membership=m, proceeding=p, request=request, **d),
        success=_("Added to the timeline."),
        **_back_to_proceeding(request, m, p, "timeline_form"),
    )  # fmt: skip


@login_required
@require_POST
def participant_add(request, pk):
    m, p = _posting(request, pk)
    form = forms.ParticipantForm(request.POST, membership=m, prefix="participant")
    return submit(
        request, form,
        lambda d: services.add_participant(
            membership=m, proceeding=p, request=request,
            data={"person": d["person_code"], "name": d["name"], "role": d["role"]},
        ),
        success=_("Victim or witness added."),
        **_back_to_proceeding(request, m, p, "participant_form"),
    )  # fmt: skip


@login_required
@require_POST
def contact_add(request, pk, participant_id):
    m, p = _posting(request, pk)
    participant = selectors.one_of(p.participants.all(), participant_id)
    form = forms.ContactAttemptForm(request.POST, proceeding=p, prefix=f"contact-{participant.pk}")
    return submit(
        request, form,
        lambda d: services.record_contact_attempt(
            membership=m, participant=participant, data=d, request=request
        ),
        success=_("Contact attempt recorded."),
        **_back_to_proceeding(request, m, p, f"contact_{participant.pk}"),
    )  # fmt: skip


@login_required
@require_POST
def participant_stop(request, pk, participant_id):
    m, p = _posting(request, pk)
    participant = selectors.one_of(p.participants.all(), participant_id)
    form = forms.StopParticipationForm(request.POST, prefix=f"stop-{participant.pk}")
    return submit(
        request, form,
        lambda d: services.stop_participation(
            membership=m, participant=participant, stopped_on=d["stopped_on"], request=request
        ),
        success=_("Recorded that they no longer take part."),
        **_back_to_proceeding(request, m, p, f"stop_{participant.pk}"),
    )  # fmt: skip


@login_required
@require_POST
def custody_update(request, pk, defendant_id):
    m, p = _posting(request, pk)
    defendant = selectors.one_of(p.defendants.all(), defendant_id)
    form = forms.CustodyForm(request.POST, prefix=f"custody-{defendant.pk}")
    return submit(
        request, form,
        lambda d: services.update_custody(
            membership=m, defendant=defendant, custody_status=d["custody_status"],
            verified_on=d["verified_on"], request=request,
        ),
        success=_("Custody status recorded."),
        **_back_to_proceeding(request, m, p, f"custody_{defendant.pk}"),
    )  # fmt: skip


# --- deadlines, calendar, feed, settings -------------------------------------------------


@login_required
def deadlines(request):
    m = _legal(request)
    rows = list(selectors.my_deadlines(m)[:300])
    missed = list(selectors.missed_deadlines(m)[:100])
    services.record_look(membership=m, records=rows + missed, request=request)
    return render(
        request,
        "legal/deadlines.html",
        {"deadlines": rows, "missed": missed, "sees_all": selectors.sees_all_legal_work(m)},
    )


@login_required
def calendar(request):
    m = _legal(request)
    hearings = list(selectors.calendar_of(m)[:200])
    services.record_look(membership=m, records=hearings, request=request)
    token = request.session.pop("legal_feed_token", None)
    return render(
        request,
        "legal/calendar.html",
        {
            "hearings": hearings,
            "feed_url": request.build_absolute_uri(reverse("legal_feed", args=[token]))
            if token
            else "",
            "has_feed": selectors.has_live_feed(m),
            "planned": HearingStatus.PLANNED,
        },
    )


@login_required
@require_POST
def feed_issue(request):
    m = _legal(request)
    # Shown once on the next page, never stored in clear.
    request.session["legal_feed_token"] = services.issue_calendar_feed(
        membership=m, request=request
    )
    messages.success(
        request, _("A new private calendar address was made; older ones stopped working.")
    )
    return redirect("legal_calendar")


@login_required
@require_POST
def feed_revoke(request):
    m = _legal(request)
    services.revoke_calendar_feeds(membership=m, request=request)
    messages.success(request, _("Your calendar address stopped working."))
    return redirect("legal_calendar")


def feed(request, token):
    """The iCalendar feed: no sign-in (calendars cannot sign in), the token is the key."""
    m = selectors.membership_of_feed(services.feed_token_hash(token))
    if m is None:
        raise Http404
    body = feed_for(m, request=request)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def legal_settings(request):
    m = member_with(request, Permission.MANAGE_ORGANIZATION)
    if not m.can(Permission.LEGAL_WORK):
        raise PermissionDenied
    initial = {"feed_shows_client_names": selectors.feed_shows_client_names(m.organization_id)}
    if request.method == "POST":
        form = forms.LegalSettingsForm(request.POST)
        return submit(
            request,
            form,
            lambda d: services.save_legal_settings(membership=m, request=request, **d),
            success=_("Settings saved."),
            done=reverse("legal_settings"),
            page=lambda f: render(request, "legal/settings.html", {"form": f}, status=400),
        )
    return render(
        request, "legal/settings.html", {"form": forms.LegalSettingsForm(initial=initial)}
    )
