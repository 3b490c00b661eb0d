"""A fictitious grant for the demo (me@demo.example of demo-bishkek): the current
quarter's village tour and film festival count for it, with two indicators, one computed
from events and one from assisted victims. Donor and grant names are invented."""

from datetime import date, timedelta

from django.utils import timezone

from apps.grants import services
from apps.prevention.selectors import events_of_organization

ME = "me@demo.example"


def seed(*, members, organizations, rng):
    me = members.get(ME)
    if me is None:
        return
    today = timezone.localdate()
    start = date(today.year, 1, 1)
    donor = services.create_donor(membership=me, name="Demo Foundation for Safe Migration")
    grant = services.create_grant(
        membership=me,
        donor=donor,
        reference="DEMO-2026-01",
        title="Safe migration in Issyk-Kul and Osh (demo)",
        amount=120000,
        currency="USD",
        starts_on=start,
        ends_on=date(today.year + 1, 12, 31),
    )
    services.create_grant(
        membership=me,
        donor=donor,
        reference="DEMO-2026-01-S1",
        title="Village tours by a partner NGO (demo)",
        amount=15000,
        currency="USD",
        starts_on=start,
        ends_on=date(today.year, 12, 31),
        parent=grant,
        partner_name="Demo partner NGO, Karakol",
    )
    line = services.add_budget_line(membership=me, grant=grant, name="Village tours", amount=30000)
    services.record_spending(
        membership=me, budget_line=line, spent_on=max(start, today - timedelta(days=3)), amount=4200
    )
    services.add_activity(membership=me, grant=grant, title="Awareness events in villages")
    for event in events_of_organization(me.organization_id).filter(
        event_type__in=["village_tour_stop", "film_screening"]
    ):
        if grant.starts_on <= event.starts_on and event.ends_on <= grant.ends_on:
            services.link_event(membership=me, grant=grant, event=event)
    reached = services.create_indicator(
        membership=me,
        code="PREV-1",
        name="People reached by awareness events",
        source="people_reached",
        disaggregation=["sex", "age_band", "region"],
        baseline=0,
    )
    assisted = services.create_indicator(
        membership=me,
        code="ASSIST-1",
        name="Victims of trafficking assisted",
        source="victims_assisted",
        disaggregation=["sex"],
        baseline=10,
    )
    q_from = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    q_to = (q_from + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    for indicator, life, quarter in ((reached, 20000, 5000), (assisted, 80, 10)):
        use = services.use_indicator(
            membership=me, grant=grant, indicator=indicator, life_target=life
        )
        services.set_period_target(
            membership=me, use=use, period_from=q_from, period_to=q_to, target=quarter
        )
