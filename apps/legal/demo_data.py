"""Fictitious legal work for the demo: lawyer@demo.example's consultations and one
torture case whose criminal proceeding went refusal → complaint → investigation →
trial → conviction, with hearings, deadlines and compensation. Every name, court
number and event is invented."""

from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.legal import services
from apps.legal.models import Article, DeadlineRule
from apps.legal.reference_data import load_legal_reference
from apps.people.demo_names import KYRGYZ_MALE

LAWYER = "lawyer@demo.example"


def _at(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def seed(*, members, organizations, rng):
    lawyer = members.get(LAWYER)
    if lawyer is None:
        return
    load_legal_reference(Article, DeadlineRule)
    from apps.cases.services import open_case
    from apps.people.services import create_person

    today = timezone.localdate()
    for i, (area, outcome, channel) in enumerate(
        [
            ("labour_abroad", "advice", "phone"),
            ("documents", "document", "in_person"),
            ("torture", "representation", "in_person"),
            ("family", "referred", "messenger"),
        ]
    ):
        services.record_consultation(
            membership=lawyer,
            data={
                "given_on": today - timedelta(days=3 + 9 * i),
                "channel": channel,
                "person": None,
                "sex": rng.choice(["F", "M"]),
                "age_band": rng.choice(["18-29", "30-49"]),
                "region": rng.choice(["osh", "chuy", "naryn"]),
                "legal_area": area,
                "question": "(demo) Вопрос клиента о правах и сроках.",
                "advice": "(demo) Разъяснены права и порядок обращения.",
                "outcome": outcome,
            },
        )

    # One of the demo's own clients when there are some (the demo's people count stays
    # what --people asked for), else a fictitious one of our own.
    from apps.people.selectors import people_visible_to

    person = people_visible_to(lawyer).order_by("id").first() or create_person(
        membership=lawyer,
        data={
            "given_name": rng.choice(KYRGYZ_MALE),
            "family_name": "Демо-Асанов",
            "sex": "M",
            "birth_year": 1990,
            "region": "jalal_abad",
        },
    )
    case = open_case(
        membership=lawyer,
        person=person,
        data={
            "case_type": "torture",
            "assigned_to": lawyer.user,
            "opened_on": today - timedelta(days=420),
        },
    )
    p = services.open_proceeding(
        membership=lawyer,
        case=case,
        data={
            "kind": "criminal",
            "client_role": "victim",
            "opened_on": today - timedelta(days=410),
            "official_number": "DEMO-0001",
        },
    )
    services.add_stage(
        membership=lawyer,
        proceeding=p,
        data={"stage_type": "complaint", "started_on": today - timedelta(days=410),
              "deciding_body": "(demo) District prosecutor"},
    )  # fmt: skip
    refusal = services.add_stage(
        membership=lawyer,
        proceeding=p,
        data={"stage_type": "opening_decision", "started_on": today - timedelta(days=400),
              "decision": "refused", "decided_on": today - timedelta(days=395),
              "deciding_body": "(demo) District prosecutor"},
    )  # fmt: skip
    services.add_stage(
        membership=lawyer,
        proceeding=p,
        data={"stage_type": "challenge", "started_on": today - timedelta(days=390),
              "challenges": refusal, "decision": "upheld", "decided_on": today - timedelta(days=370),
              "deciding_body": "(demo) District court"},
    )  # fmt: skip
    services.add_stage(
        membership=lawyer,
        proceeding=p,
        data={"stage_type": "investigation", "started_on": today - timedelta(days=365),
              "ended_on": today - timedelta(days=200)},
    )  # fmt: skip
    services.add_stage(
        membership=lawyer,
        proceeding=p,
        data={"stage_type": "indictment", "started_on": today - timedelta(days=190)},
    )
    trial = services.add_stage(
        membership=lawyer,
        proceeding=p,
        data={"stage_type": "first_instance", "started_on": today - timedelta(days=120),
              "deciding_body": "(demo) Jalal-Abad city court"},
    )  # fmt: skip
    defendant = services.add_defendant(
        membership=lawyer,
        proceeding=p,
        data={"name": f"(demo) {rng.choice(KYRGYZ_MALE)} Демо-Токтогулов", "public_official": True,
              "custody_status": "wanted", "custody_verified_on": today - timedelta(days=200)},
    )  # fmt: skip
    # A custody history: wanted, then detained at the indictment.
    services.update_custody(membership=lawyer, defendant=defendant, custody_status="detained",
                            verified_on=today - timedelta(days=30))  # fmt: skip
    charge = services.add_charge(
        membership=lawyer,
        defendant=defendant,
        article=services.find_article(edition="2021", number="159"),
        part="2",
        charged_on=today - timedelta(days=190),
    )
    services.schedule_hearing(
        membership=lawyer,
        proceeding=p,
        data={"starts_at": _at(today - timedelta(days=60), 10), "court": "(demo) Jalal-Abad city court",
              "courtroom": "3", "judge": "(demo) Judge A.", "stage": trial, "status": "held",
              "attendees": "(demo) victim, lawyer, prosecutor", "result": "(demo) witnesses heard"},
    )  # fmt: skip
    services.schedule_hearing(
        membership=lawyer,
        proceeding=p,
        data={"starts_at": _at(today - timedelta(days=10), 14), "court": "(demo) Jalal-Abad city court",
              "courtroom": "3", "judge": "(demo) Judge A.", "stage": trial, "status": "held",
              "result": "(demo) verdict announced"},
    )  # fmt: skip
    services.attach_document(
        membership=lawyer,
        stage=trial,
        uploaded_file=SimpleUploadedFile("verdict-demo.txt", b"(demo) verdict", "text/plain"),
        kind="verdict",
    )
    services.record_decision(
        membership=lawyer,
        stage=trial,
        data={"decision": "conviction", "decided_on": today - timedelta(days=10)},
    )
    services.record_verdict(
        membership=lawyer,
        charge=charge,
        stage=trial,
        outcome="conviction",
        decided_on=today - timedelta(days=10),
        sentence={"prison_days": 7 * 365, "suspended": False},
    )
    services.record_compensation(
        membership=lawyer,
        proceeding=p,
        data={
            "event": "awarded",
            "amount": 200000,
            "currency": "KGS",
            "on": today - timedelta(days=10),
        },
    )
    witness = services.add_participant(
        membership=lawyer,
        proceeding=p,
        data={"name": "(demo) cellmate of the client", "role": "witness"},
    )
    services.record_contact_attempt(
        membership=lawyer,
        participant=witness,
        data={"tried_on": today - timedelta(days=12), "channel": "phone", "reached": True},
    )
    services.add_timeline_entry(
        membership=lawyer,
        proceeding=p,
        happened_on=today - timedelta(days=10),
        text="(demo) Verdict announced; the client was present.",
    )
    civil = services.open_proceeding(
        membership=lawyer,
        case=case,
        data={
            "kind": "civil",
            "client_role": "civil_plaintiff",
            "opened_on": today - timedelta(days=5),
        },
    )
    services.schedule_hearing(
        membership=lawyer,
        proceeding=civil,
        data={"starts_at": _at(today + timedelta(days=21), 11), "court": "(demo) Jalal-Abad city court",
              "courtroom": "5", "judge": "(demo) Judge B."},
    )  # fmt: skip
