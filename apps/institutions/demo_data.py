"""Fictitious monitoring records for monitor@demo.example: a pre-trial detention centre,
a visit where access was partly denied, observations, an interview, a checklist, and
recommendations (one repeating an earlier one) with the authority's reply."""

from datetime import timedelta

from django.utils import timezone

from apps.institutions import services
from apps.institutions.models import Institution

MONITOR = "monitor@demo.example"
CENTRE = "СИЗО-1 (вымышленный), Бишкек"


def pre_trial_centre(monitor) -> Institution:
    """The demo's pre-trial detention centre (created once; violations link to it)."""
    existing = Institution.objects.filter(organization=monitor.organization, name=CENTRE).first()
    if existing is not None:
        return existing
    return services.add_institution(
        membership=monitor,
        data={
            "name": CENTRE,
            "kind": "pre_trial_detention",
            "authority": "State Penitentiary Service (fictitious)",
            "region": "bishkek",
            "address": "ул. Примерная, 1",
            "capacity": 450,
            "population": 612,
            "population_on": timezone.localdate() - timedelta(days=40),
        },
    )


def seed(*, members, organizations, rng):
    monitor = members.get(MONITOR)
    if monitor is None:
        return
    today = timezone.localdate()
    centre = pre_trial_centre(monitor)
    services.add_institution(
        membership=monitor,
        data={
            "name": "Психоневрологический интернат (вымышленный), Токмок",
            "kind": "social_care_home",
            "authority": "Ministry of Labour and Social Development (fictitious)",
            "region": "chuy",
            "capacity": 180,
            "population": 171,
        },
    )
    question = services.add_checklist_question(
        membership=monitor,
        data={"text": "Were detainees seen by a doctor on arrival?", "answer_type": "yes_no"},
    )
    cells = services.add_checklist_question(
        membership=monitor,
        data={"text": "Number of people in the most crowded cell", "answer_type": "number"},
    )
    earlier = services.add_recommendation(
        membership=monitor,
        data={
            "kind": "post_visit",
            "institution": centre,
            "text": "Ensure a medical examination of every detainee within 24 hours of arrival.",
            "addressee": "Head of the State Penitentiary Service",
            "made_on": today - timedelta(days=400),
            "deadline": today - timedelta(days=310),
        },
    )
    services.record_response(
        membership=monitor,
        recommendation=earlier,
        data={
            "on": today - timedelta(days=330),
            "status": "accepted",
            "response": "A doctor's post will be created in the next budget year.",
        },
    )
    visit = services.record_visit(
        membership=monitor,
        institution=centre,
        data={
            "kind": "ad_hoc",
            "announced": False,
            "visited_on": today - timedelta(days=20),
            "team": "Monitoring team of the demo organisation (3 people)",
            "access": "partial",
            "denied_by": "Deputy head of the centre on duty",
            "denial_reason": "The punishment cells were said to be 'under repair'.",
            "summary": "Visit after an alert from a lawyer about beatings during questioning.",
        },
    )
    services.add_observation(
        membership=monitor,
        visit=visit,
        topic="medical_care",
        text="No medical register of injuries on arrival; the doctor visits twice a week.",
    )
    services.add_observation(
        membership=monitor,
        visit=visit,
        topic="conditions",
        text="Cell 14: 12 people for 6 beds, no ventilation.",
    )
    services.add_interview(
        membership=monitor,
        visit=visit,
        data={"given_name": "Улан", "family_name": "Демо-Садыров", "category": "detainee",
              "consent": True, "notes": "Describes being beaten on arrival."},
    )  # fmt: skip
    services.save_checklist(membership=monitor, visit=visit, answers={question: "no", cells: "12"})
    repeated = services.add_recommendation(
        membership=monitor,
        data={
            "kind": "urgent",
            "visit": visit,
            "text": "Ensure a medical examination of every detainee within 24 hours of arrival "
            "and record every injury.",
            "addressee": "Head of the State Penitentiary Service",
            "made_on": today - timedelta(days=19),
            "deadline": today + timedelta(days=30),
            "repeats": earlier,
        },
    )
    services.record_response(
        membership=monitor,
        recommendation=repeated,
        data={
            "on": today - timedelta(days=5),
            "status": "rejected",
            "response": "The centre has no budget for a permanent doctor (fictitious reply).",
        },
    )
