from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from apps.accounts.access import member_with
from apps.accounts.roles import Permission
from apps.core import audit
from apps.core.charts import bar_chart
from apps.core.errors import StaleEdit
from apps.core.form_actions import submit
from apps.core.models import AuditEntry
from apps.grants import donor_report, selectors, services
from apps.grants.forms import (
    ActivityForm,
    BudgetLineForm,
    GrantEditForm,
    GrantForm,
    IndicatorEditForm,
    IndicatorForm,
    LinkEventForm,
    ManualResultForm,
    PeriodForm,
    SpendingForm,
    TargetForm,
    UseIndicatorForm,
    VersionForm,
)
from apps.grants.models import DataSource
from apps.prevention.selectors import events_of_organization

PERM = Permission.MANAGE_GRANTS
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _member(request):
    return member_with(request, PERM)


@login_required
def home(request):
    m = _member(request)

    def page(form, status=400):
        return render(
            request,
            "grants/home.html",
            {"grants": selectors.grants_visible_to(m), "form": form},
            status=status,
        )

    grants = selectors.grants_visible_to(m).filter(parent__isnull=True)
    if request.method != "POST":
        return page(GrantForm(grants=grants), 200)
    form = GrantForm(request.POST, grants=grants)

    def save(d):
        donor = services.create_donor(membership=m, name=d["donor_name"], request=request)
        services.create_grant(
            membership=m,
            donor=donor,
            reference=d["reference"],
            title=d["title"],
            amount=d["amount"],
            currency=d["currency"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            parent=d.get("parent"),
            partner_name=d.get("partner_name") or "",
            request=request,
        )

    return submit(
        request,
        form,
        save,
        success=_("The grant was saved."),
        done=reverse("grants_home"),
        page=page,
    )


@login_required
def indicators(request):
    m = _member(request)

    def page(form, status=400):
        return render(
            request,
            "grants/indicators.html",
            {
                "indicators": selectors.indicators_visible_to(m).prefetch_related("uses__grant"),
                "form": form,
            },
            status=status,
        )

    if request.method != "POST":
        return page(IndicatorForm(), 200)
    form = IndicatorForm(request.POST)
    return submit(
        request,
        form,
        lambda d: services.create_indicator(membership=m, request=request, **d),
        success=_("The indicator was added to the registry."),
        done=reverse("grants_indicators"),
        page=page,
    )


def _edit_page(request, *, title, form, record, delete_url, deletable, back, status):
    return render(
        request,
        "grants/edit.html",
        {
            "title": title,
            "form": form,
            "record": record,
            "delete_url": delete_url,
            "deletable": deletable,
            "back": back,
        },
        status=status,
    )


@login_required
def grant_edit(request, grant_id):
    """Change a grant's particulars (a version check refuses an edit that would
    overwrite someone else's save; the form comes back with what was typed)."""
    m = _member(request)
    grant = selectors.grant_for(m, grant_id)
    is_sub = grant.parent_id is not None

    def page(form, status=400):
        return _edit_page(
            request,
            title=_("Edit grant %(reference)s") % {"reference": grant.reference},
            form=form,
            record=grant,
            delete_url=reverse("grants_grant_delete", args=[grant.pk]),
            deletable=services.grant_deletable(grant),
            back=reverse("grants_grant", args=[grant.pk]),
            status=status,
        )

    if request.method != "POST":
        initial = GrantEditForm.initial_from(grant)
        return page(GrantEditForm(initial=initial, is_sub_grant=is_sub), 200)
    form = GrantEditForm(request.POST, is_sub_grant=is_sub)

    def save(d):
        donor = services.create_donor(membership=m, name=d["donor_name"], request=request)
        services.update_grant(
            membership=m,
            grant=grant,
            donor=donor,
            reference=d["reference"],
            title=d["title"],
            amount=d["amount"],
            currency=d["currency"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            partner_name=d.get("partner_name") or "",
            version=d.get("version"),
            request=request,
        )

    return submit(
        request,
        form,
        save,
        success=_("The grant was saved."),
        done=reverse("grants_grant", args=[grant.pk]),
        page=page,
    )


def _delete(request, record, remove, done, again):
    """Delete after the version check; a refusal comes back to the edit page."""
    form = VersionForm(request.POST)
    version = form.cleaned_data.get("version") if form.is_valid() else None
    try:
        remove(version)
    except (ValidationError, StaleEdit) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
        return redirect(again)
    messages.success(request, _("Deleted."))
    return redirect(done)


@login_required
@require_POST
def grant_delete(request, grant_id):
    m = _member(request)
    grant = selectors.grant_for(m, grant_id)
    return _delete(
        request,
        grant,
        lambda v: services.delete_grant(membership=m, grant=grant, version=v, request=request),
        reverse("grants_home"),
        reverse("grants_grant_edit", args=[grant.pk]),
    )


@login_required
def indicator_edit(request, indicator_id):
    m = _member(request)
    indicator = selectors.one_of(selectors.indicators_visible_to(m), indicator_id)

    def page(form, status=400):
        return _edit_page(
            request,
            title=_("Edit indicator %(code)s") % {"code": indicator.code},
            form=form,
            record=indicator,
            delete_url=reverse("grants_indicator_delete", args=[indicator.pk]),
            deletable=services.indicator_deletable(indicator),
            back=reverse("grants_indicators"),
            status=status,
        )

    if request.method != "POST":
        return page(IndicatorEditForm(initial=IndicatorEditForm.initial_from(indicator)), 200)
    form = IndicatorEditForm(request.POST)
    return submit(
        request,
        form,
        lambda d: services.update_indicator(
            membership=m, indicator=indicator, request=request, **d
        ),
        success=_("The indicator was saved."),
        done=reverse("grants_indicators"),
        page=page,
    )


@login_required
@require_POST
def indicator_delete(request, indicator_id):
    m = _member(request)
    indicator = selectors.one_of(selectors.indicators_visible_to(m), indicator_id)
    return _delete(
        request,
        indicator,
        lambda v: services.delete_indicator(
            membership=m, indicator=indicator, version=v, request=request
        ),
        reverse("grants_indicators"),
        reverse("grants_indicator_edit", args=[indicator.pk]),
    )


def _period(request, grant):
    """The period asked for, or the quarter of today (or the grant's first quarter)."""
    form = PeriodForm(request.GET or None)
    if request.GET and form.is_valid():
        d = form.cleaned_data
        return d["period_from"], d["period_to"], d.get("language") or "en", form
    today = timezone.localdate()
    quarters = selectors.quarters(grant)
    chosen = next((q for q in quarters if q[0] <= today <= q[1]), quarters[0] if quarters else None)
    if chosen is None:
        chosen = (grant.starts_on, grant.ends_on)
    form = PeriodForm(initial={"period_from": chosen[0], "period_to": chosen[1], "language": "en"})
    return chosen[0], chosen[1], "en", form


def _forms(m, grant, data=None, files=None, only=None):
    """The page's action forms; `only` names the one bound to the submitted data."""
    uses = grant.indicator_uses.select_related("indicator")
    indicators = selectors.indicators_visible_to(m)
    linked = grant.event_links.values_list("event_id", flat=True)
    makers = {
        "link_form": lambda *a: LinkEventForm(
            *a,
            events=events_of_organization(m.organization_id)
            .exclude(pk__in=list(linked))
            .order_by("-starts_on"),
        ),
        "use_form": lambda *a: UseIndicatorForm(*a, indicators=indicators),
        "target_form": lambda *a: TargetForm(*a, uses=uses),
        "activity_form": lambda *a: ActivityForm(*a),
        "budget_form": lambda *a: BudgetLineForm(*a),
        "spending_form": lambda *a: SpendingForm(*a, lines=grant.budget_lines.all()),
        "manual_form": lambda *a: ManualResultForm(
            *a, indicators=indicators.filter(source=DataSource.MANUAL)
        ),
    }
    out = {}
    for name, make in makers.items():
        if name == only:
            out[name] = make(data, files) if name == "manual_form" else make(data)
        else:
            out[name] = make()
    return out


def _chart(rows, period_label):
    bars = []
    for r in rows:
        if r.value is not None:
            bars.append(
                SimpleNamespace(
                    label=f"{r.indicator.code} · {pgettext('indicator value', 'result')}",
                    count=int(r.value),
                )
            )
        if r.target is not None:
            bars.append(
                SimpleNamespace(
                    label=f"{r.indicator.code} · {pgettext('indicator value', 'target')}",
                    count=int(r.target),
                    not_recorded=True,
                )
            )
    if not bars:
        return None
    return bar_chart(
        "results-chart",
        _("Results against targets"),
        _("Result and target of each indicator for %(period)s; the same numbers are in the table.")
        % {"period": period_label},
        bars,
    )


def _render_grant(request, m, grant, status=200, bound=None):
    period_from, period_to, language, period_form = _period(request, grant)
    rows = selectors.results_for(grant, period_from, period_to)
    period_label = f"{period_from.isoformat()} – {period_to.isoformat()}"
    links = list(selectors.linked_events(grant).order_by("event__starts_on"))
    audit.shown(m, [grant], request=request)
    context = {
        "grant": grant,
        "rows": rows,
        "chart": _chart(rows, period_label),
        "period_from": period_from,
        "period_to": period_to,
        "language": language,
        "period_form": period_form,
        "quarters": selectors.quarters(grant),
        "links": links,
        "budget": selectors.grant_budget(grant),
        "activities": list(grant.activities.all()),
        "sub_grants": list(grant.sub_grants.all()),
        "uses": list(grant.indicator_uses.select_related("indicator").prefetch_related("targets")),
        "manual_results": list(grant.manual_results.select_related("indicator")),
        "sent": selectors.last_sent(grant, period_from, period_to),
        **_forms(m, grant),
        **(bound or {}),
    }
    return render(request, "grants/grant.html", context, status=status)


@login_required
def grant_detail(request, grant_id):
    m = _member(request)
    return _render_grant(request, m, selectors.grant_for(m, grant_id))


ACTIONS = {
    "link": "link_form",
    "use": "use_form",
    "target": "target_form",
    "activity": "activity_form",
    "budget": "budget_form",
    "spending": "spending_form",
    "manual": "manual_form",
}


@login_required
@require_POST
def grant_action(request, grant_id, action):
    m = _member(request)
    grant = selectors.grant_for(m, grant_id)
    if action not in ACTIONS:
        return redirect("grants_grant", grant_id=grant.pk)
    name = ACTIONS[action]
    form = _forms(m, grant, request.POST, request.FILES, only=name)[name]
    kw = {"membership": m, "request": request}

    def save(d):
        if action == "link":
            services.link_event(grant=grant, event=d["event"], **kw)
        elif action == "use":
            services.use_indicator(
                grant=grant, indicator=d["indicator"], life_target=d.get("life_target"), **kw
            )
        elif action == "target":
            services.set_period_target(
                use=d["use"],
                period_from=d["period_from"],
                period_to=d["period_to"],
                target=d["target"],
                **kw,
            )
        elif action == "activity":
            services.add_activity(grant=grant, title=d["title"], **kw)
        elif action == "budget":
            services.add_budget_line(grant=grant, name=d["name"], amount=d["amount"], **kw)
        elif action == "spending":
            services.record_spending(
                budget_line=d["budget_line"], spent_on=d["spent_on"], amount=d["amount"], **kw
            )
        elif action == "manual":
            services.record_manual_result(
                grant=grant,
                indicator=d["indicator"],
                period_from=d["period_from"],
                period_to=d["period_to"],
                value=d["value"],
                evidence=d.get("evidence"),
                **kw,
            )

    return submit(
        request,
        form,
        save,
        success=_("Saved."),
        done=reverse("grants_grant", args=[grant.pk]),
        page=lambda f: _render_grant(request, m, grant, 400, {name: f}),
    )


@login_required
@require_POST
def unlink_event(request, grant_id, event_id):
    m = _member(request)
    grant = selectors.grant_for(m, grant_id)
    services.unlink_event(membership=m, grant=grant, event_id=event_id, request=request)
    messages.success(request, _("The event is no longer counted for this grant."))
    return redirect("grants_grant", grant_id=grant.pk)


def _report_period(request, grant):
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return None, form
    return form.cleaned_data, form


@login_required
def report_download(request, grant_id, fmt):
    """The donor report for the period and language asked for; audited as an export."""
    m = _member(request)
    grant = selectors.grant_for(m, grant_id)
    data, form = _report_period(request, grant)
    if data is None or fmt not in donor_report.FORMATS:
        return _render_grant(request, m, grant, 400, {"period_form": form})
    language = data.get("language") or "en"
    content, _report = donor_report.render(
        grant, data["period_from"], data["period_to"], fmt, language
    )
    audit.by_member(
        AuditEntry.Action.EXPORT,
        m,
        grant,
        request,
        {
            "report": "donor_report",
            "format": fmt,
            "language": language,
            "from": data["period_from"].isoformat(),
            "to": data["period_to"].isoformat(),
        },
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    name = donor_report.filename(grant, data["period_from"], data["period_to"], fmt, language)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def report_sent(request, grant_id):
    """Keep the period's values as sent to the donor."""
    m = _member(request)
    grant = selectors.grant_for(m, grant_id)
    form = PeriodForm(request.POST)
    if not form.is_valid():
        return _render_grant(request, m, grant, 400, {"period_form": form})
    d = form.cleaned_data
    report = donor_report.build(grant, d["period_from"], d["period_to"], "en")
    services.record_report_sent(
        membership=m,
        grant=grant,
        period_from=d["period_from"],
        period_to=d["period_to"],
        values=report.values,
        request=request,
    )
    messages.success(request, _("The values of this report were kept as sent to the donor."))
    url = reverse("grants_grant", args=[grant.pk])
    return redirect(f"{url}?period_from={d['period_from']}&period_to={d['period_to']}")


@login_required
def evidence_download(request, result_id):
    m = _member(request)
    result = selectors.one_of(selectors.manual_results_visible_to(m), result_id)
    data = services.read_evidence(membership=m, result=result, request=request)
    response = HttpResponse(data, content_type="application/octet-stream")
    safe = (
        "".join(c if c.isalnum() or c in "-_." else "_" for c in result.evidence_name) or "evidence"
    )
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    return response
