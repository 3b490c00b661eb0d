"""Fictitious demo data: organisations, one user per role (the national coordinator
in a coordinating body of its own), people and cases over the last two years with
services, shelter stays and hotline calls, so that the statistics have something to
count and, in the national view, some small numbers to suppress."""

import random
from datetime import date, timedelta
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Organization
from apps.accounts.roles import Role
from apps.accounts.services import add_member, create_organization
from apps.assistance import services as assistance_services
from apps.cases import services as case_services
from apps.cases.models import CaseStatus, ConsentScope
from apps.people.demo_names import make_name, spelled
from apps.people.models import Person
from apps.people.services import create_person

DEMO_PASSWORD = "Koldoo-demo-2026"
DEMO_ORGS = [
    ("demo-bishkek", "[DEMO] Ak-Jol Crisis Centre, Bishkek", "crisis_centre", "bishkek"),
    ("demo-osh", "[DEMO] Umut Shelter, Osh", "shelter", "osh_city"),
    ("demo-legal", "[DEMO] Adilet Legal Aid, Bishkek", "legal_aid", "bishkek"),
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
    ("shelter.admin@demo.example", "demo-osh", Role.ORG_ADMIN),
    # A lawyer of the legal-aid member organisation: answers referrals (declines with a
    # reason, accepts) in the organisation's inbox.
    ("lawyer.org@demo.example", "demo-legal", Role.LAWYER),
    ("legal.admin@demo.example", "demo-legal", Role.ORG_ADMIN),
    ("coordinator@demo.example", "demo-coordination", Role.NATIONAL_COORDINATOR),
]
# Colleagues see each other by name, not by e-mail address (fictitious names).
DEMO_NAMES = {
    "admin@demo.example": "Айнура Токтосунова",
    "operator@demo.example": "Бакыт Жумабеков",
    "caseworker@demo.example": "Гүлнара Асанова",
    "lawyer@demo.example": "Эрлан Мамытов",
    "monitor@demo.example": "Нурлан Осмонов",
    "me@demo.example": "Жылдыз Курманова",
    "auditor@demo.example": "Азамат Бейшеев",
    "shelter@demo.example": "Чолпон Абдыкадырова",
    "shelter.admin@demo.example": "Мээрим Ташиева",
    "lawyer.org@demo.example": "Айдай Сейитбекова",
    "legal.admin@demo.example": "Максат Турдубаев",
    "coordinator@demo.example": "Талант Сыдыков",
}
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
SERVICES = ["psychological", "medical", "legal", "travel_documents", "transport_home",
            "skills_training", "employment", "family_mediation", "shelter"]  # fmt: skip
SERVICE_WEIGHTS = [6, 5, 5, 3, 2, 2, 1, 2, 3]
CLOSURE_REASONS = ["goals_achieved", "referred", "client_declined", "lost_contact", "moved_away"]
DEMO_DAYS = 730  # cases and calls spread over the last two years


class Command(BaseCommand):
    help = "Load fictitious demo organisations, users, people and cases (all marked [DEMO])."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=240)
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
            # The coordinating body keeps no client records: nothing of its own to count.
            Organization.objects.filter(slug="demo-coordination").update(shares_aggregates=False)
            members = {}
            for email, slug, role in DEMO_USERS:
                members[email] = add_member(
                    email=email,
                    organization=orgs[slug],
                    role=role,
                    password=DEMO_PASSWORD,
                    full_name=DEMO_NAMES.get(email, ""),
                )
            self._directory(members)
            workers = [members["caseworker@demo.example"], members["lawyer@demo.example"]]
            self._shelter_member = members["shelter@demo.example"]
            self._lawyer = members["lawyer.org@demo.example"]
            self._outside = self._outside_partner()
            for i in range(people):
                org_member = (
                    members["shelter@demo.example"] if i % 5 == 4 else members["admin@demo.example"]
                )
                self._person_with_case(rng, org_member, workers, i)
            calls = max(people // 2, 10) if people else 0
            for _ in range(calls):
                self._call(rng, members["operator@demo.example"])
            # Each domain app's own demo records (`<app>/demo_data.py` with
            # `seed(members=, organizations=, rng=)`), in the order of INSTALLED_APPS.
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo_data"
                if config.name.startswith("apps.") and find_spec(module_name) is not None:
                    last = Person.objects.order_by("-id").values_list("id", flat=True).first()
                    import_module(module_name).seed(members=members, organizations=orgs, rng=rng)
                    self._mark_fictitious(config.label, after=last or 0)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {people} fictitious people, {calls} hotline calls."
            )
        )
        self._print_sign_ins()

    def _mark_fictitious(self, label: str, *, after: int) -> None:
        """Every person the demo makes carries a DEMO- number, whichever app made them, so
        demo people are never mistaken for real ones."""
        for n, person in enumerate(Person.objects.filter(id__gt=after).order_by("id"), 1):
            if not (person.external_id or "").startswith("DEMO-"):
                person.external_id = f"DEMO-{label.upper()}-{n}"
                person.save(update_fields=["external_id"])

    def _directory(self, members):
        """The two member organisations list themselves in the service directory; the
        shelter's beds free are then counted from its stays."""
        from apps.referrals.models import DirectoryEntry
        from apps.referrals.services import save_directory_entry

        shelter_admin = members["shelter.admin@demo.example"]
        assistance_services.set_shelter_capacity(membership=shelter_admin, beds=16)
        listings = [
            (
                members["admin@demo.example"],
                {
                    "name": "[DEMO] Ak-Jol Crisis Centre",
                    "description_en": "[DEMO] Fictitious crisis centre: counselling, legal "
                    "advice and help with documents for returning migrants.",
                    "description_ru": "[DEMO] Вымышленный кризисный центр: консультации, "
                    "юридические советы и помощь с документами вернувшимся мигрантам.",
                    "description_ky": "[DEMO] Ойдон чыгарылган кризистик борбор: кайтып "
                    "келген мигранттарга кеңеш, юридикалык жардам жана документтер.",
                    "org_type": "crisis_centre",
                    "city": "Bishkek",
                    "regions": ["bishkek", "chuy", "talas"],
                    "target_groups": ["women", "men", "migrants"],
                    "languages": ["ky", "ru"],
                    "hours": "Mon–Fri 9:00–18:00",
                },
                [{"service_type": t} for t in ("psychological", "legal", "travel_documents")],
            ),
            (
                shelter_admin,
                {
                    "name": "[DEMO] Umut Shelter",
                    "description_en": "[DEMO] Fictitious shelter for women and children.",
                    "description_ru": "[DEMO] Вымышленный приют для женщин и детей.",
                    "description_ky": "[DEMO] Аялдар жана балдар үчүн ойдон чыгарылган баш калкалоочу жай.",
                    "org_type": "shelter",
                    "city": "Osh",
                    "regions": ["osh", "osh_city", "jalal_abad", "batken"],
                    "target_groups": ["women", "children"],
                    "languages": ["ky", "ru", "uz"],
                    "hours": "24/7",
                },
                [{"service_type": "shelter", "capacity": 16}, {"service_type": "psychological"}],
            ),
            (
                members["legal.admin@demo.example"],
                {
                    "name": "[DEMO] Adilet Legal Aid",
                    "description_en": "[DEMO] Fictitious legal-aid organisation: lawyers "
                    "for victims in criminal and labour proceedings.",
                    "description_ru": "[DEMO] Вымышленная юридическая организация: адвокаты "
                    "для пострадавших в уголовных и трудовых делах.",
                    "description_ky": "[DEMO] Ойдон чыгарылган юридикалык уюм: кылмыш жана "
                    "эмгек иштеринде жабырлануучуларга адвокаттар.",
                    "org_type": "legal_aid",
                    "city": "Bishkek",
                    "regions": ["bishkek", "chuy"],
                    "target_groups": ["women", "men", "migrants"],
                    "languages": ["ky", "ru"],
                    "hours": "Mon–Fri 9:00–17:00",
                },
                [{"service_type": "legal"}],
            ),
        ]
        for admin, data, offered in listings:
            entry = DirectoryEntry.objects.filter(organization=admin.organization).first()
            save_directory_entry(membership=admin, entry=entry, data=data, services=offered)

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
        started = timezone.now() - timedelta(
            days=rng.randint(0, DEMO_DAYS), minutes=rng.randint(0, 600)
        )
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
        year = rng.randint(1965, 2010)
        birth = rng.choice([str(year), f"{year}-{rng.randint(1, 12):02d}",
                            f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"])  # fmt: skip
        person = create_person(
            membership=member,
            data={
                **name,
                "external_id": f"DEMO-{i + 1:05d}",
                "birth_date": birth,
                "birth_year": year,
                "sex": rng.choices(["F", "M", "U"], weights=[11, 8, 1])[0],
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
            weights=[8, 3, 2, 2, 1, 1],
        )[0]
        exploitation = []
        if case_type == "trafficking":
            exploitation = rng.choices([["forced_labour"], ["sexual"], ["forced_labour", "sexual"], ["forced_begging"]], weights=[8, 3, 1, 1])[0]  # fmt: skip
        today = timezone.localdate()
        opened = today - timedelta(days=rng.randint(0, DEMO_DAYS))
        case = case_services.open_case(
            membership=member,
            person=person,
            data={
                "case_type": case_type,
                "assigned_to": assignee,
                "opened_on": opened,
                "exploitation": exploitation,
                "exploitation_began_on": opened - timedelta(days=rng.randint(60, 500))
                if exploitation
                else None,
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
        if exploitation and rng.random() < 0.4:
            # Formally identified some weeks after the case opened (not a case field a
            # worker edits by hand; the demo sets the date the authority would give).
            identified = min(today, opened + timedelta(days=rng.randint(10, 90)))
            type(case).objects.filter(pk=case.pk).update(identified_on=identified)
        if exploitation:
            self._services(rng, member, case, opened, today)
            if member.organization.slug == "demo-bishkek" and rng.random() < 0.25:
                self._referral(rng, member, case)
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
        if (today - opened).days > 120 and rng.random() < 0.45:
            case.refresh_from_db()
            case_services.change_case_status(
                membership=member, case=case, status=CaseStatus.CLOSED,
                reason=rng.choice(CLOSURE_REASONS), expected_version=case.version,
            )  # fmt: skip
            # Closing stamps today; the demo spreads closures over the two years.
            closed = min(today, opened + timedelta(days=rng.randint(60, 400)))
            type(case).objects.filter(pk=case.pk).update(closed_on=closed)

    def _outside_partner(self):
        """A fictitious hospital outside Koldoo, in the service directory."""
        from apps.referrals.models import DirectoryEntry, DirectoryService

        entry, created = DirectoryEntry.objects.get_or_create(
            name="[DEMO] City Hospital No. 4, Bishkek",
            organization=None,
            defaults={"org_type": "government", "city": "Bishkek", "regions": ["bishkek"],
                      "is_public": True},
        )  # fmt: skip
        if created:
            DirectoryService.objects.create(entry=entry, service_type="medical")
        return entry

    def _referral(self, rng, member, case):
        """A referral with the person's consent: to the demo shelter (which accepts most,
        declines some), to the legal-aid organisation (whose lawyer declines some with a
        reason; some wait for the lawyer's answer), or to a hospital outside Koldoo (whose
        answers and services the case worker records)."""
        from apps.referrals import services as referral_services

        pick = rng.random()
        if pick < 0.25:
            return self._referral_to_legal(rng, member, case)
        if pick < 0.45:
            return self._referral_outside(rng, member, case)
        referral = referral_services.create_referral(
            membership=member,
            case=case,
            services=["shelter", "psychological"],
            shared_fields=["given_name", "sex", "languages", "exploitation", "needs"],
            to_organization=self._shelter_member.organization,
            purpose="[DEMO] Safe accommodation and counselling.",
            urgency=rng.choice(["routine", "urgent", "emergency"]),
            needs_requested=["short_term_shelter", "psychological"],
            special_needs=rng.choice([[], [], ["with_children"], ["chronic_illness"]]),
        )
        answer = rng.random()
        if answer < 0.6:
            referral_services.accept_referral(membership=self._shelter_member, referral=referral)
        elif answer < 0.8:
            referral_services.decline_referral(
                membership=self._shelter_member,
                referral=referral,
                reason="[DEMO] No bed free for the dates asked.",
            )

    def _referral_to_legal(self, rng, member, case):
        from apps.referrals import services as referral_services

        referral = referral_services.create_referral(
            membership=member,
            case=case,
            services=["legal"],
            shared_fields=["given_name", "family_name", "case_type", "exploitation"],
            to_organization=self._lawyer.organization,
            purpose="[DEMO] Representation of the victim in the criminal case.",
            needs_requested=["legal"],
        )
        answer = rng.random()
        if answer < 0.4:
            referral_services.decline_referral(
                membership=self._lawyer,
                referral=referral,
                reason="[DEMO] No lawyer free for this court's region this month.",
            )
        elif answer < 0.7:
            referral_services.accept_referral(membership=self._lawyer, referral=referral)

    def _referral_outside(self, rng, member, case):
        from apps.referrals import services as referral_services

        referral = referral_services.create_referral(
            membership=member,
            case=case,
            services=["medical"],
            shared_fields=["given_name", "family_name", "sex"],
            to_entry=self._outside,
            purpose="[DEMO] Medical examination.",
            needs_requested=["medical"],
        )
        answer = rng.random()
        if answer < 0.2:
            referral_services.record_partner_answer(
                membership=member,
                referral=referral,
                status="declined",
                reason="[DEMO] The department is closed for repairs.",
            )
        elif answer < 0.8:
            referral = referral_services.record_partner_answer(
                membership=member, referral=referral, status="accepted"
            )
            referral_services.record_service_delivered(
                membership=member, referral=referral, service_type="medical"
            )
            if answer < 0.6:
                referral_services.record_partner_answer(
                    membership=member, referral=referral, status="completed"
                )

    def _services(self, rng, member, case, opened, today):
        """Services delivered to a victim, and a shelter stay for some of the shelter's."""
        for _ in range(rng.randint(1, 3)):
            assistance_services.record_delivered_service(
                membership=member,
                case=case,
                data={
                    "service_type": rng.choices(SERVICES, weights=SERVICE_WEIGHTS)[0],
                    "delivered_on": min(today, opened + timedelta(days=rng.randint(0, 120))),
                    "outcome": "[DEMO] Fictitious service.",
                },
            )
        if member.organization.type == "shelter" and rng.random() < 0.6:
            admitted = min(today, opened + timedelta(days=rng.randint(0, 10)))
            stay = assistance_services.admit_to_shelter(
                membership=member, case=case, shelter=member.organization, admitted_on=admitted
            )
            if (today - admitted).days > 30:
                assistance_services.discharge_from_shelter(
                    membership=member,
                    stay=stay,
                    discharged_on=admitted + timedelta(days=rng.randint(7, 30)),
                )
