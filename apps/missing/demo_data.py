"""Demo records: a mother's appeal about her son missing in Russia, who is already a
client of the organisation with a trafficking case, so the appeal offers the match for
a case worker to confirm (all fictitious)."""

from datetime import timedelta

from django.utils import timezone

from apps.cases.services import open_case
from apps.missing import services
from apps.people.services import create_person

SON = {"given_name": "Азамат", "family_name": "Осмонов", "patronymic": "Бакытович",
       "birth_year": 1998, "sex": "M"}  # fmt: skip


def seed(*, members, organizations, rng):
    admin = members.get("admin@demo.example")
    monitor = members.get("monitor@demo.example")
    if admin is None or monitor is None:
        return
    today = timezone.localdate()
    # The son as the organisation already knows him: a client with a trafficking case.
    person = create_person(
        membership=admin,
        data={
            **SON,
            "external_id": "DEMO-MISSING-1",
            "citizenship": "KG",
            "phones": ["+7 900 000 0101"],
        },  # fmt: skip
    )
    open_case(
        membership=admin,
        person=person,
        data={
            "case_type": "trafficking",
            "opened_on": today - timedelta(days=40),
            "exploitation": ["forced_labour"],
            "countries_of_exploitation": ["RU"],
            "recruitment_channel": "unlicensed_agency",
        },
    )
    appeal = services.create_appeal(
        membership=monitor,
        data={
            "reporter_name": "[DEMO] Гүлмира Осмонова",
            "reporter_relation": "mother",
            "reporter_contact": "+996 555 000 101",
            "destination_country": "RU",
            "employer": "[DEMO] a construction site near Yekaterinburg",
            "last_contact_on": today - timedelta(days=rng.randint(50, 90)),
            "last_contact_channel": "messenger",
            "last_contact_number": "+7 900 000 0101",
            "circumstances": "[DEMO] Left for construction work; the phone has been silent "
            "since; a co-worker said the passports were taken.",
            "documents_held_by": "employer",
            "received_on": today - timedelta(days=rng.randint(1, 10)),
        },
        person={k: SON[k] for k in ("given_name", "family_name", "birth_year", "sex")},
    )
    services.add_note(membership=monitor, appeal=appeal, status="information_sought",
                      body="[DEMO] Asked the consulate in Yekaterinburg.")  # fmt: skip
