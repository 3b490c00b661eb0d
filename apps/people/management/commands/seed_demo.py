"""Fictitious demo data: organisations, one user per role, people and cases."""

import random
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Organization
from apps.accounts.roles import Role
from apps.accounts.services import add_member, create_organization
from apps.cases import services as case_services
from apps.cases.models import CaseStatus, ConsentScope
from apps.people.demo_names import make_name, spelled
from apps.people.services import create_person

DEMO_PASSWORD = "Koldoo-demo-2026"
DEMO_ORGS = [
    ("demo-bishkek", "[DEMO] Ak-Jol Crisis Centre, Bishkek", "crisis_centre", "bishkek"),
    ("demo-osh", "[DEMO] Umut Shelter, Osh", "shelter", "osh_city"),
    ("demo-coordination", "[DEMO] National coordination office", "government", "bishkek"),
]
DEMO_USERS = [
    ("admin@demo.example", "demo-bishkek", Role.ORG_ADMIN),
    ("operator@demo.example", "demo-bishkek", Role.OPERATOR),
    ("caseworker@demo.example", "demo-bishkek", Role.CASE_WORKER),
    ("lawyer@demo.example", "demo-bishkek", Role.LAWYER),
    ("monitor@demo.example", "demo-bishkek", Role.MONITOR),
    ("me@demo.example", "demo-bishkek", Role.ME_OFFICER),
    ("auditor@demo.example", "demo-bishkek", Role.AUDITOR),
    ("shelter@demo.example", "demo-osh", Role.CASE_WORKER),
    ("coordinator@demo.example", "demo-coordination", Role.NATIONAL_COORDINATOR),
]
REGIONS = [
    "batken",
    "chuy",
    "issyk_kul",
    "jalal_abad",
    "naryn",
    "osh",
    "talas",
    "bishkek",
    "osh_city",
]
COUNTRIES = ["RU", "KZ", "TR", "AE", "CN", "KR", "KG"]
NOTES = [
    "[DEMO] First meeting; the client asked for help with documents.",
    "[DEMO] Called the consulate about a travel document.",
    "[DEMO] Psychologist session planned for next week.",
]


class Command(BaseCommand):
    help = "Load fictitious demo organisations, users, people and cases (all marked [DEMO])."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=120)
        parser.add_argument("--if-empty", action="store_true", help="do nothing if data exists")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, people, if_empty, seed, **options):
        if people < 0 or people > 100_000:
            raise CommandError("--people must be between 0 and 100000.")
        if if_empty and Organization.objects.exists():
            self.stdout.write("Data exists; demo data not loaded again.")
            if Organization.objects.filter(slug=DEMO_ORGS[0][0]).exists():
                self._print_sign_ins()
            return
        rng = random.Random(seed)
        with transaction.atomic():
            orgs = {}
            for slug, name, type_, region in DEMO_ORGS:
                orgs[slug] = Organization.objects.filter(slug=slug).first() or create_organization(
                    slug=slug, name=name, type=type_, region=region, languages=["ky", "ru"]
                )
            members = {}
            for email, slug, role in DEMO_USERS:
                members[email] = add_member(
                    email=email, organization=orgs[slug], role=role, password=DEMO_PASSWORD
                )
            workers = [members["caseworker@demo.example"], members["lawyer@demo.example"]]
            for i in range(people):
                org_member = (
                    members["shelter@demo.example"] if i % 5 == 4 else members["admin@demo.example"]
                )
                self._person_with_case(rng, org_member, workers, i)
            calls = max(people // 2, 10) if people else 0
            for _ in range(calls):
                self._call(rng, members["operator@demo.example"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {people} fictitious people, {calls} hotline calls."
            )
        )
        self._print_sign_ins()

    def _print_sign_ins(self):
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for email, slug, role in DEMO_USERS:
            self.stdout.write(f"  {email:28} {Role(role).label} · {slug}")

    def _call(self, rng, operator):
        """A fictitious hotline call within the last year (anonymous or by category only)."""
        from apps.hotline.services import save_call

        topics = rng.choices(
            ["safe_migration", "agency_check", "labour_rights", "missing_relative", "danger_now",
             "trafficking_report", "domestic_violence", "documents_consular", "return_reintegration"],
            weights=[9, 5, 5, 3, 1, 2, 2, 3, 1],
            k=rng.choice([1, 1, 2]),
        )  # fmt: skip
        urgency = (
            "emergency" if "danger_now" in topics else rng.choice(["routine"] * 4 + ["urgent"])
        )
        outcome = rng.choice(["information_given"] * 4 + ["referred", "follow_up", "no_action"])
        started = timezone.now() - timedelta(days=rng.randint(0, 364), minutes=rng.randint(0, 600))
        save_call(
            membership=operator,
            finish=True,
            data={
                "channel": rng.choice(["phone"] * 5 + ["messenger", "messenger", "walk_in", "social_media"]),
                "caller_category": rng.choice(["person_concerned", "person_concerned", "relative", "friend", "anonymous"]),
                "caller_region": rng.choice(REGIONS + [""]),
                "language": rng.choice(["ky", "ky", "ru"]),
                "topics": list(dict.fromkeys(topics)),
                "urgency": urgency,
                "outcome": outcome,
                "follow_up_due": date.today() + timedelta(days=rng.randint(-2, 7)) if outcome == "follow_up" else None,
                "started_at": started,
                "duration_minutes": rng.randint(1, 25),
                "summary": "[DEMO] Fictitious call.",
            },
        )  # fmt: skip

    def _person_with_case(self, rng, member, workers, i):
        name = spelled(make_name(rng), rng)
        year = rng.randint(1965, 2008)
        birth = rng.choice([str(year), f"{year}-{rng.randint(1, 12):02d}",
                            f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"])  # fmt: skip
        person = create_person(
            membership=member,
            data={
                **name,
                "external_id": f"DEMO-{i + 1:05d}",
                "birth_date": birth,
                "birth_year": year,
                "citizenship": "KG" if rng.random() < 0.9 else rng.choice(["UZ", "TJ", "KZ"]),
                "region": rng.choice(REGIONS),
                "phones": [f"+996 7{rng.randint(0, 99):02d} {rng.randint(100000, 999999)}"],
                "document_numbers": [f"ID{rng.randint(1000000, 9999999)}"],
                "languages": rng.sample(["ky", "ru", "uz"], rng.randint(1, 2)),
            },
        )
        if member.organization.slug == "demo-bishkek":
            assignee = rng.choice(workers).user
        else:
            assignee = member.user
        case_type = rng.choices(
            ["trafficking", "labour_rights", "legal_aid", "domestic_violence", "torture", "other"],
            weights=[5, 3, 2, 2, 1, 1],
        )[0]
        exploitation = []
        if case_type == "trafficking":
            exploitation = rng.choices([["forced_labour"], ["sexual"], ["forced_labour", "sexual"], ["forced_begging"]], weights=[8, 3, 1, 1])[0]  # fmt: skip
        opened = date(2026, 11, 1) - timedelta(days=rng.randint(0, 900))
        case = case_services.open_case(
            membership=member,
            person=person,
            data={
                "case_type": case_type,
                "assigned_to": assignee,
                "opened_on": opened,
                "exploitation": exploitation,
                "countries_of_exploitation": [rng.choice(COUNTRIES)] if exploitation else [],
                "recruitment_channel": rng.choice(
                    ["acquaintance", "unlicensed_agency", "online_ad", ""]
                ),
                "means_of_control": rng.sample(
                    ["document_retention", "debt_bondage", "withheld_wages", "threats"],
                    rng.randint(0, 2),
                )
                if exploitation
                else [],  # fmt: skip
            },
        )
        if rng.random() < 0.3:
            case_services.change_case_status(
                membership=member,
                case=case,
                status=CaseStatus.ACTIVE,
                expected_version=case.version,
            )
        case_services.record_consent(membership=member, person=person, case=case,
                                     scope=ConsentScope.ASSISTANCE, given_on=opened)  # fmt: skip
        case_services.add_case_note(membership=member, case=case, body=rng.choice(NOTES))
        if rng.random() < 0.5:
            case_services.add_task(
                membership=member, case=case, title="[DEMO] Follow-up call",
                due_on=date.today() + timedelta(days=rng.randint(-3, 14)), assigned_to=assignee,
            )  # fmt: skip
