"""Demo records of the agency register: an agency whose licence was revoked, with its
contacts and a complaint, and a high-risk job advertisement linked to it (all fictitious)."""

from datetime import timedelta

from django.utils import timezone

from apps.monitoring import services

REVOKED_AGENCY = "Altyn Jol Recruitment [DEMO]"


def seed(*, members, organizations, rng):
    monitor = members.get("monitor@demo.example")
    if monitor is None:
        return
    today = timezone.localdate()
    agency = services.save_agency(
        membership=monitor,
        data={
            "name": REVOKED_AGENCY,
            "other_names": "Алтын Жол",
            "licence_number": "DEMO-LIC-2021-045",
            "licence_status": "licensed",
            "licence_valid_until": today + timedelta(days=400),
            "countries": ["RU", "KZ"],
            "city": "Bishkek",
            "address": "[DEMO] 1 Fictitious street",
            "phone": "+996 312 000 045",
        },
    )
    # Licensed first, revoked after complaints: the history shows both.
    services.save_agency(membership=monitor, agency=agency, data={"licence_status": "revoked"})
    services.add_agency_contact(membership=monitor, agency=agency, kind="website",
                                value="altyn-jol.demo.example", official=True)  # fmt: skip
    services.add_agency_contact(membership=monitor, agency=agency, kind="social",
                                value="t.me/altyn_jol_demo", official=False)  # fmt: skip
    services.add_agency_report(
        membership=monitor,
        agency=agency,
        kind="complaint",
        body="[DEMO] Fictitious complaint: a fee of 600 USD was taken and the job never existed.",
        occurred_on=today - timedelta(days=rng.randint(20, 60)),
    )
    services.save_job_ad(
        membership=monitor,
        data={
            "source_type": "messenger",
            "source_name": "[DEMO] Jobs in Moscow channel",
            "captured_on": today - timedelta(days=rng.randint(1, 10)),
            "text": "[DEMO] Warehouse work in Moscow, 180 000 rubles a month. Ticket paid, "
            "deducted from wages. Passport handed to the coordinator on arrival.",
            "promised_job": "Warehouse worker",
            "country": "RU",
            "pay": "180 000 RUB a month",
            "conditions": "Housing provided; ticket repaid from wages",
            "phones": ["+996 700 045 045"],
            "payment_details": ["DEMO 4000 0000 0000 0045"],
            "agency": agency,
            "red_flags": [
                "fees_charged",
                "pay_far_above_normal",
                "travel_paid_as_debt",
                "passport_handed_over",
            ],  # fmt: skip
        },
    )
    services.save_job_ad(
        membership=monitor,
        data={
            "source_type": "newspaper",
            "source_name": "[DEMO] Weekly ads",
            "captured_on": today - timedelta(days=rng.randint(1, 30)),
            "text": "[DEMO] Cook wanted in Almaty, contract through a licensed agency.",
            "promised_job": "Cook",
            "country": "KZ",
            "pay": "250 000 KZT a month",
            "red_flags": ["vague_employer"],
        },
    )
