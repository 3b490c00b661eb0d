"""A victim held by two organisations counts once in the national report (issue 16).

Two organisations register the same woman, one in Cyrillic and one from her passport in
Latin, each with a trafficking case. Before `manage.py link_network` a report over both
counts her twice; after it, once, with her facts from both records combined.
"""

import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.statistics import cellkey, sources
from apps.statistics.report import ReportScope, build_report
from tests.legal_fixtures import legal_reference  # noqa: F401

pytestmark = pytest.mark.django_db

KEY = "network-linkage-key-for-tests-0123456789"
YEAR = timezone.localdate().year - 1
FROM, TO = date(YEAR, 1, 1), date(YEAR, 12, 31)


# Other victims, each at one organisation only (names differ in letters: digits fold away).
OTHERS = (
    ["Abdyeva", "Bakirova", "Chynarova", "Dosueva", "Ermekova", "Fazilova"],
    ["Gapar", "Haidar", "Imanova", "Jumabaeva", "Kadyrova", "Lukanova"],
)


@pytest.fixture
def linkage_key(monkeypatch):
    monkeypatch.setenv("KOLDOO_LINKAGE_KEY", KEY)


@pytest.fixture
def exact_counts(monkeypatch):
    """Published values without their cell-key noise (record ids differ between runs)."""
    monkeypatch.setattr(cellkey, "perturbed", lambda count, key_sum: count)


@pytest.fixture
def two_orgs(org, other_org, make_member):
    return make_member(org, "org_admin"), make_member(other_org, "org_admin")


def victim(member, make_person, make_case, *, case=None, **person):
    p = make_person(member, **person)
    make_case(
        member,
        p,
        opened_on=date(YEAR, 5, 10),
        exploitation_began_on=date(YEAR, 2, 1),
        **(case or {}),
    )
    return p


@pytest.fixture
def same_woman(two_orgs, make_person, make_case):
    """Сооронбаева Айгүл at one organisation, Sooronbaeva Aigul at the other."""
    here, there = two_orgs
    a = victim(
        here,
        make_person,
        make_case,
        family_name="Сооронбаева",
        given_name="Айгүл",
        birth_date="1995-03-14",
        sex="F",
        citizenship="KG",
        region="osh",
        case={
            "exploitation": ["forced_labour"],
            "countries_of_exploitation": ["RU"],
            "identified_on": date(YEAR, 6, 1),
        },
    )
    b = victim(
        there,
        make_person,
        make_case,
        family_name="Sooronbaeva",
        given_name="Aigul",
        birth_date="1995-03-14",
        sex="U",
        region="naryn",
        case={"exploitation": ["sexual"], "countries_of_exploitation": ["RU", "KZ"]},
    )
    return a, b


def report(two_orgs, disclosure_control=False):
    ids = tuple(sorted(m.organization_id for m in two_orgs))
    return build_report(ReportScope(FROM, TO, ids, disclosure_control=disclosure_control))


def counts(table) -> dict:
    return {tuple(r[d] for d in table.dimensions): r["count"] for r in table.rows if r["count"]}


def test_same_victim_counts_twice_before_linkage_and_once_after(linkage_key, two_orgs, same_woman):
    assert report(two_orgs).table("victims_by_status").total == 2
    call_command("link_network")
    after = report(two_orgs)
    for name in (
        "victims_by_status",
        "victims_by_exploitation_sex_age",
        "victims_by_citizenship",
        "victims_by_region_of_origin",
        "victims_by_country_of_exploitation",
    ):
        assert after.table(name).total == 1, name


def test_her_facts_from_both_records_are_combined(linkage_key, two_orgs, same_woman):
    call_command("link_network")
    r = report(two_orgs)
    # Identified at one organisation: identified.
    assert counts(r.table("victims_by_status")) == {("identified",): 1}
    # Labour here, sexual there: both. Sex F here, not recorded there: F.
    assert counts(r.table("victims_by_exploitation_sex_age")) == {("both", "F", "adult"): 1}
    # Citizenship recorded on one record only: that one.
    assert counts(r.table("victims_by_citizenship")) == {("KG",): 1}
    # Regions that disagree (Osh, Naryn): not recorded, rather than a guess.
    assert counts(r.table("victims_by_region_of_origin")) == {("unknown",): 1}
    # Once under each country found on either record.
    assert counts(r.table("victims_by_country_of_exploitation")) == {("RU",): 1, ("KZ",): 1}


def test_age_from_full_birth_dates_of_both_records(linkage_key, two_orgs, make_person, make_case):
    """She turns 18 in the year exploitation began: the full dates of her records decide,
    and records that settle the age differently make it unknown."""
    here, there = two_orgs
    for member, family, given in ((here, "Асанова", "Жылдыз"), (there, "Asanova", "Jyldyz")):
        victim(member, make_person, make_case, family_name=family, given_name=given,
               birth_date=f"{YEAR - 18}-01-20", sex="F", document_numbers=["AC7654321"])  # fmt: skip
    # Same names and year, documents alike, but dates that disagree on the age.
    victim(here, make_person, make_case, family_name="Бекова", given_name="Нургүл",
           birth_date=f"{YEAR - 18}-01-20", sex="F", document_numbers=["AN1234567"])  # fmt: skip
    victim(there, make_person, make_case, family_name="Bekova", given_name="Nurgul",
           birth_date=f"{YEAR - 18}-09-20", sex="F", document_numbers=["AN1234567"])  # fmt: skip
    assert report(two_orgs).table("victims_by_status").total == 4
    call_command("link_network")
    r = report(two_orgs)
    assert r.table("victims_by_status").total == 2
    assert counts(r.table("victims_by_sex_age")) == {("F", "adult"): 1, ("F", "unknown"): 1}


def test_reviewers_not_the_same_person_decision_stands(
    linkage_key, two_orgs, same_woman, make_person, make_case
):
    """A second Sooronbaeva Aigul of the same birth date at the first organisation, which
    a reviewer decided is someone else: linkage does not count the two as one."""
    from apps.linkage.models import DuplicatePair

    here, _there = two_orgs
    a, _b = same_woman
    twin = victim(here, make_person, make_case, family_name="Sooronbaeva", given_name="Aigul",
                  birth_date="1995-03-14", sex="F")  # fmt: skip
    DuplicatePair.objects.create(
        organization_id=here.organization_id,
        person_l=a,
        person_r=twin,
        probability=0.99,
        status=DuplicatePair.Status.NOT_SAME,
    )
    call_command("link_network")
    assert report(two_orgs).table("victims_by_status").total == 2


def test_published_numbers_count_once_and_are_the_same_every_time(
    linkage_key, two_orgs, same_woman, make_person, make_case, exact_counts
):
    """Under disclosure control (enough other victims for the cells to be published)."""
    for member in two_orgs:
        for i in range(6):
            victim(member, make_person, make_case, family_name=OTHERS[member.pk % 2][i],
                   given_name="Gulnara", birth_date=f"{1980 + i}-01-0{1 + member.pk % 2}", sex="F",
                   case={"exploitation": ["forced_labour"]})  # fmt: skip
    assert report(two_orgs, disclosure_control=True).table("victims_by_status").total == 14
    call_command("link_network")
    published = report(two_orgs, disclosure_control=True)
    assert published.table("victims_by_status").total == 13


def test_noise_is_per_identity_and_the_same_in_every_run(
    linkage_key, two_orgs, same_woman, make_person, make_case
):
    from apps.linkage.models import NetworkCluster
    from apps.people.models import Person

    for member in two_orgs:
        for i in range(6):
            victim(member, make_person, make_case, family_name=OTHERS[member.pk % 2][i],
                   given_name="Gulnara", birth_date=f"{1980 + i}-01-0{1 + member.pk % 2}", sex="F")  # fmt: skip
    call_command("link_network")
    first = report(two_orgs, disclosure_control=True)
    second = report(two_orgs, disclosure_control=True)
    assert [(t.rows, t.total) for t in first.tables] == [(t.rows, t.total) for t in second.tables]
    # Her record key comes from her identity (the cluster), not from either record; the
    # others keep their own.
    a, b = same_woman
    cluster = NetworkCluster.objects.get(person=a).cluster
    others = Person.objects.filter(organization_id__in=[m.organization_id for m in two_orgs])
    expected = cellkey.record_key("person_cluster", cluster) + sum(
        cellkey.record_key("person", p.pk) for p in others.exclude(pk__in=[a.pk, b.pk])
    )
    assert report(two_orgs).table("victims_by_status").total_key == expected


def test_notes_say_persons_are_counted_once_and_not_how_many_were_linked(
    linkage_key, two_orgs, same_woman
):
    call_command("link_network")
    notes = " ".join(report(two_orgs).notes)
    assert "counts once in a report over them" in notes
    assert "until records are linked across organisations" not in notes
    assert "Sooronbaeva" not in notes and "Сооронбаева" not in notes


def test_without_a_provider_each_record_counts_as_before(
    monkeypatch, linkage_key, two_orgs, same_woman
):
    call_command("link_network")
    monkeypatch.setattr(sources, "person_identity", lambda: None)
    r = report(two_orgs)
    assert r.table("victims_by_status").total == 2
    assert "until records are linked across organisations" in " ".join(r.notes)


def test_statistics_never_imports_linkage():
    root = Path(__file__).resolve().parent.parent / "apps" / "statistics"
    for path in root.rglob("*.py"):
        text = path.read_text()
        assert not re.search(r"^\s*(from|import) apps\.linkage", text, re.M), path
        assert 'import_module("apps.linkage' not in text, path


def test_report_page_shows_the_rule(client, login, make_org, make_member, linkage_key, same_woman):
    body = make_org("coordination", type="government")
    coordinator = make_member(body, "national_coordinator")
    call_command("link_network")
    login(coordinator)
    html = client.get("/statistics/", {"period": "year", "year": str(YEAR)}).content.decode()
    assert "counts once in a report over them" in html
    assert "Sooronbaeva" not in html and "Сооронбаева" not in html


@pytest.mark.usefixtures("legal_reference")
def test_victims_represented_by_lawyers_of_both_organisations_count_once(
    linkage_key, org, other_org, make_member, make_person, make_case
):
    from apps.legal.services import open_proceeding

    lawyers = [make_member(o, "lawyer") for o in (org, other_org)]
    for lawyer, family, given in zip(
        lawyers, ("Сооронбаева", "Sooronbaeva"), ("Айгүл", "Aigul"), strict=True
    ):
        woman = make_person(
            lawyer, family_name=family, given_name=given, birth_date="1995-03-14", sex="F"
        )
        open_proceeding(
            membership=lawyer,
            case=make_case(lawyer, woman),
            data={"kind": "criminal", "client_role": "victim", "opened_on": date(YEAR, 3, 1)},
        )
    assert report(lawyers).table("victims_represented").total == 2
    call_command("link_network")
    table = report(lawyers).table("victims_represented")
    assert table.total == 1
    assert counts(table) == {("criminal", "F"): 1}


def test_records_merged_inside_one_organisation_count_with_their_survivor(
    linkage_key, two_orgs, same_woman, make_person, make_case
):
    """A second record of her at the first organisation, written without her birth date
    (linkage cannot tie it to anyone), merged by a reviewer: its case moves to the
    survivor, so with the other organisation's record she still counts once."""
    from apps.linkage.services import merge_people

    here, _there = two_orgs
    a, _b = same_woman
    second = victim(here, make_person, make_case, family_name="Сооронбаева", given_name="Айгүл",
                    sex="F", case={"exploitation": ["forced_begging"]})  # fmt: skip
    assert report(two_orgs).table("victims_by_status").total == 3
    merge_people(here, survivor=a, merged=second)
    call_command("link_network")
    r = report(two_orgs)
    assert r.table("victims_by_status").total == 1
    assert counts(r.table("victims_by_exploitation")) == {("both",): 1}
