"""Fictitious violation records for monitor@demo.example: a torture incident in the
demo pre-trial detention centre with two victims and a named officer, its source, a
complaint with the prosecutor's reply, and a chained threat afterwards."""

from datetime import timedelta

from django.utils import timezone

from apps.people.demo_names import make_name
from apps.violations import services
from apps.violations.models import ActType, PerpetratorType
from apps.violations.vocabulary import load_vocabularies

MONITOR = "monitor@demo.example"


def seed(*, members, organizations, rng):
    from apps.institutions.demo_data import pre_trial_centre

    monitor = members.get(MONITOR)
    if monitor is None:
        return
    # Tests that flush the database lose the migration's vocabularies: load them again.
    load_vocabularies(ActType, PerpetratorType)
    today = timezone.localdate()
    act = {t.code: t for t in ActType.objects.all()}
    perpetrator = {t.code: t for t in PerpetratorType.objects.all()}
    victims = []
    for code in ("beating", "suffocation"):
        name = make_name(rng)
        victims.append({**name, "patronymic": "", "act_type": act[code]})
    officer = make_name(rng)
    event = services.record_incident(
        membership=monitor,
        event={
            "title": "Beatings during questioning (fictitious demo incident)",
            "description": "Two detainees say they were beaten and a bag was put over the "
            "head of one of them to make them confess.",
            "place": "Interrogation room, 2nd floor",
            "region": "bishkek",
            "institution": pre_trial_centre(monitor),
            "occurred_on": today - timedelta(days=26),
            "date_precision": "exact",
        },
        victims=victims,
        perpetrators=[
            {
                "given_name": officer["given_name"],
                "family_name": officer["family_name"],
                "position": "investigator, captain",
                "role": "perpetrator",
                "perpetrator_type": perpetrator["police"],
                "identity_confidential": True,
            },
            {
                "group_name": "Duty officers of the centre",
                "role": "failed_to_act",
                "perpetrator_type": perpetrator["prison_staff"],
            },
        ],
    )
    services.add_source(
        membership=monitor,
        event=event,
        data={"kind": "lawyer", "reported_by": "Defence lawyer of one victim",
              "reliability": "high", "reported_on": today - timedelta(days=22)},
    )  # fmt: skip
    services.add_intervention(
        membership=monitor,
        event=event,
        data={
            "kind": "complaint",
            "made_on": today - timedelta(days=18),
            "addressee": "Prosecutor's office of Bishkek",
            "response": "A preliminary inquiry was opened (fictitious).",
            "response_on": today - timedelta(days=6),
        },
    )
    services.record_incident(
        membership=monitor,
        event={
            "title": "Threats to a victim after the complaint (fictitious)",
            "region": "bishkek",
            "occurred_on": (today - timedelta(days=10)).replace(day=1),
            "date_precision": "month",
            "parent": event,
        },
        victims=[{"existing": event.acts.first().victim, "act_type": act["threats"]}],
        perpetrators=[],
    )
