from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.access import member_with
from apps.accounts.roles import Permission
from apps.core import audit
from apps.core.errors import StaleEdit
from apps.core.form_actions import submit
from apps.prevention import selectors, services
from apps.prevention.forms import (
    CampaignEditForm,
    CampaignForm,
    CapacityForm,
    EventForm,
    FollowUpForm,
    ParticipantForm,
    TestScoreForm,
)
from apps.prevention.models import EventType

PERM = Permission.RECORD_PREVENTION


def _member(request):
    return member_with(request, PERM)


@login_required
def home(request):
    m = _member(request)
    events = selectors.events_visible_to(m)
    event_type = request.GET.get("type", "")
    if event_type in EventType.values:
        events = events.filter(event_type=event_type)
    return render(
        request,
        "prevention/home.html",
        {
            "events": events[:200],
            "campaigns": selectors.campaigns_visible_to(m),
            "campaign_form": CampaignForm(),
            "event_types": EventType.choices,
            "event_type": event_type,
        },
    )


def _event_form(m, *args, **kwargs):
    return EventForm(
        *args, organization=m.organization, bands=services.age_bands_of(m.organization), **kwargs
    )


@login_required
def event_new(request):
    m = _member(request)

    def page(form, status=400):
        return render(request, "prevention/event_form.html", {"form": form}, status=status)

    if request.method != "POST":
        return page(_event_form(m), 200)
    form = _event_form(m, request.POST)
    created = {}

    def save(data):
        created["event"] = services.record_event(
            membership=m, data=form.event_data(), attendance=form.attendance(), request=request
        )

    response = submit(
        request,
        form,
        save,
        success=_("The event was recorded."),
        done=reverse("prevention_home"),
        page=page,
    )
    if "event" in created:  # saved: open the new event
        response["Location"] = reverse("prevention_event", args=[created["event"].pk])
    return response


@login_required
def event_edit(request, event_id):
    m = _member(request)
    event = selectors.event_for(m, event_id)

    def page(form, status=400):
        return render(
            request, "prevention/event_form.html", {"form": form, "event": event}, status=status
        )

    if request.method != "POST":
        counts = event.counts.values_list("sex", "age_band", "count")
        return page(_event_form(m, initial=EventForm.initial_from(event, counts)), 200)
    form = _event_form(m, request.POST)
    return submit(
        request,
        form,
        lambda d: services.update_event(
            membership=m,
            event=event,
            data=form.event_data(),
            attendance=form.attendance() if d["attendance_mode"] == "counts" else None,
            version=d.get("version"),
            request=request,
        ),
        success=_("The event was saved."),
        done=reverse("prevention_event", args=[event.pk]),
        page=page,
    )


def _render_event(request, m, event, status=200, **forms):
    bands = services.age_bands_of(m.organization)
    participants = list(event.participants.all())
    audit.shown(m, [event], request=request, detail={"participants": len(participants)})
    return render(
        request,
        "prevention/event.html",
        {
            "event": event,
            "attendance": selectors.attendance_table(event),
            "participants": participants,
            "band_labels": selectors.band_labels(m.organization),
            "scores": list(event.test_scores.select_related("participant")),
            "follow_ups": list(event.follow_ups.all()),
            "sessions": list(services.training_sessions(event).order_by("starts_on", "id"))
            if event.is_training or event.training_id
            else [],
            "participant_form": forms.get("participant_form") or ParticipantForm(bands=bands),
            "score_form": forms.get("score_form") or TestScoreForm(event=event),
            "follow_up_form": forms.get("follow_up_form") or FollowUpForm(),
        },
        status=status,
    )


@login_required
def event_detail(request, event_id):
    m = _member(request)
    return _render_event(request, m, selectors.event_for(m, event_id))


def _event_action(request, m, event, form, save, success, form_name):
    return submit(
        request,
        form,
        save,
        success=success,
        done=reverse("prevention_event", args=[event.pk]),
        page=lambda f: _render_event(request, m, event, 400, **{form_name: f}),
    )


@login_required
@require_POST
def participant_add(request, event_id):
    m = _member(request)
    event = selectors.event_for(m, event_id)
    form = ParticipantForm(request.POST, bands=services.age_bands_of(m.organization))
    return _event_action(
        request,
        m,
        event,
        form,
        lambda d: services.add_participant(
            membership=m,
            event=event,
            name=d["name"],
            sex=d["sex"],
            age_band=d["age_band"],
            request=request,
        ),
        _("The participant was added."),
        "participant_form",
    )


@login_required
@require_POST
def score_add(request, event_id):
    m = _member(request)
    event = selectors.event_for(m, event_id)
    form = TestScoreForm(request.POST, event=event)
    return _event_action(
        request,
        m,
        event,
        form,
        lambda d: services.record_test_score(
            membership=m,
            event=event,
            pre_score=d["pre_score"],
            post_score=d["post_score"],
            participant=d.get("participant"),
            group=d.get("group") or "",
            request=request,
        ),
        _("The test scores were recorded."),
        "score_form",
    )


@login_required
@require_POST
def follow_up_add(request, event_id):
    m = _member(request)
    event = selectors.event_for(m, event_id)
    form = FollowUpForm(request.POST)
    return _event_action(
        request,
        m,
        event,
        form,
        lambda d: services.record_follow_up(
            membership=m,
            event=event,
            recorded_on=d["recorded_on"],
            outcome=d["outcome"],
            people_count=d.get("people_count") or 0,
            request=request,
        ),
        _("The follow-up was recorded."),
        "follow_up_form",
    )


@login_required
@require_POST
def campaign_new(request):
    m = _member(request)
    form = CampaignForm(request.POST)

    def page(f):
        return render(
            request,
            "prevention/home.html",
            {
                "events": selectors.events_visible_to(m)[:200],
                "campaigns": selectors.campaigns_visible_to(m),
                "campaign_form": f,
                "event_types": EventType.choices,
            },
            status=400,
        )

    return submit(
        request,
        form,
        lambda d: services.create_campaign(membership=m, request=request, **d),
        success=_("The campaign was created."),
        done=reverse("prevention_home"),
        page=page,
    )


@login_required
def campaign_detail(request, campaign_id):
    m = _member(request)
    campaign = selectors.one_of(selectors.campaigns_visible_to(m), campaign_id)
    totals = selectors.campaign_totals(m, campaign)
    labels = selectors.band_labels(m.organization)
    return render(
        request,
        "prevention/campaign.html",
        {
            "campaign": campaign,
            "totals": totals,
            "by_age": [(labels.get(c, c), n) for c, n in totals["age_band"].items()],
        },
    )


@login_required
def campaign_edit(request, campaign_id):
    """Change a campaign; an edit opened before someone else's save is refused with the
    typed input kept."""
    m = _member(request)
    campaign = selectors.one_of(selectors.campaigns_visible_to(m), campaign_id)

    def page(form, status=400):
        return render(
            request,
            "prevention/campaign_form.html",
            {
                "form": form,
                "campaign": campaign,
                "deletable": services.campaign_deletable(campaign),
            },
            status=status,
        )

    if request.method != "POST":
        return page(CampaignEditForm(initial=CampaignEditForm.initial_from(campaign)), 200)
    form = CampaignEditForm(request.POST)
    return submit(
        request,
        form,
        lambda d: services.update_campaign(membership=m, campaign=campaign, request=request, **d),
        success=_("The campaign was saved."),
        done=reverse("prevention_campaign", args=[campaign.pk]),
        page=page,
    )


@login_required
@require_POST
def campaign_delete(request, campaign_id):
    m = _member(request)
    campaign = selectors.one_of(selectors.campaigns_visible_to(m), campaign_id)
    version = request.POST.get("version", "")
    try:
        services.delete_campaign(
            membership=m,
            campaign=campaign,
            version=int(version) if version.isdigit() else None,
            request=request,
        )
    except (ValidationError, StaleEdit) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
        return redirect("prevention_campaign_edit", campaign_id=campaign.pk)
    messages.success(request, _("The campaign was deleted."))
    return redirect("prevention_home")


@login_required
def capacity(request):
    m = _member(request)

    def page(form, status=400):
        return render(
            request,
            "prevention/capacity.html",
            {"form": form, "growth": selectors.capacity_growth(m)},
            status=status,
        )

    if request.method != "POST":
        from django.utils import timezone

        return page(CapacityForm(initial={"year": timezone.localdate().year}), 200)
    form = CapacityForm(request.POST)
    return submit(
        request,
        form,
        lambda d: services.save_capacity_assessment(
            membership=m, year=d["year"], scores=form.scores(), request=request
        ),
        success=_("The self-assessment was saved."),
        done=reverse("prevention_capacity"),
        page=page,
    )
