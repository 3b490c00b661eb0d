"""The case page's "this person may be known to N other organisations" (issue 16).

Shown only after the person's referral consent, only to members who may view her, as a
number: never the other organisations, their names or their records; every look audited.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.cases.models import Consent, ConsentScope
from apps.core.models import AuditEntry

pytestmark = pytest.mark.django_db

KEY = "network-linkage-key-for-tests-0123456789"
LINE = 'id="known-elsewhere"'
WORDS = "known to"


@pytest.fixture
def three_orgs(org, other_org, make_org, make_member):
    third = make_org("far-away")
    return make_member(org, "case_worker"), make_member(other_org), make_member(third)


@pytest.fixture
def held_three_times(monkeypatch, three_orgs, make_person, make_case):
    """Aigul at home (Cyrillic), at two other organisations (Latin), linked; her case at
    home."""
    here, there, far = three_orgs
    aigul = make_person(
        here, family_name="Сооронбаева", given_name="Айгүл", birth_date="1995-03-14"
    )
    for member in (there, far):
        make_person(member, family_name="Sooronbaeva", given_name="Aigul", birth_date="1995-03-14")
    case = make_case(here, aigul)
    monkeypatch.setenv("KOLDOO_LINKAGE_KEY", KEY)
    call_command("link_network")
    return case


def consent(case, **kw):
    return Consent.objects.create(person=case.person, case=case, scope=ConsentScope.REFERRAL, **kw)


def page(client, login, member, case):
    login(member)
    return client.get(f"/cases/{case.pk}/")


def test_with_referral_consent_the_count_is_shown_and_audited(
    client, login, three_orgs, held_three_times
):
    here = three_orgs[0]
    consent(held_three_times)
    html = page(client, login, here, held_three_times).content.decode()
    assert LINE in html
    assert "This person may be known to 2 other organisations." in html
    entry = AuditEntry.objects.filter(detail__known_elsewhere=True).latest("id")
    assert entry.detail["shown"] == [held_three_times.person_id]
    assert entry.actor_id == here.user_id


def test_other_organisations_are_never_named(client, login, three_orgs, held_three_times):
    here, there, far = three_orgs
    consent(held_three_times)
    html = page(client, login, here, held_three_times).content.decode()
    for member in (there, far):
        org = member.organization
        assert org.name not in html
    assert "Sooronbaeva" not in html


def test_without_consent_nothing_is_shown_not_even_the_check(
    client, login, three_orgs, held_three_times
):
    html = page(client, login, three_orgs[0], held_three_times).content.decode()
    assert LINE not in html and WORDS not in html
    assert not AuditEntry.objects.filter(detail__known_elsewhere=True).exists()


@pytest.mark.parametrize(
    "kw",
    [
        {"withdrawn_on": timezone.localdate()},
        {"valid_until": timezone.localdate() - timedelta(days=1)},
    ],
    ids=["withdrawn", "expired"],
)
def test_withdrawn_or_expired_consent_shows_nothing(
    client, login, three_orgs, held_three_times, kw
):
    consent(held_three_times, **kw)
    assert LINE not in page(client, login, three_orgs[0], held_three_times).content.decode()


def test_another_kind_of_consent_shows_nothing(client, login, three_orgs, held_three_times):
    Consent.objects.create(
        person=held_three_times.person, case=held_three_times, scope=ConsentScope.ASSISTANCE
    )
    assert LINE not in page(client, login, three_orgs[0], held_three_times).content.decode()


def test_not_known_elsewhere_says_so_after_consent(client, login, caseworker, make_person,
                                                   make_case, monkeypatch):  # fmt: skip
    person = make_person(caseworker, family_name="Жумабаева", given_name="Нурзат")
    case = make_case(caseworker, person)
    monkeypatch.setenv("KOLDOO_LINKAGE_KEY", KEY)
    call_command("link_network")
    consent(case)
    html = page(client, login, caseworker, case).content.decode()
    assert "This person is not known to other organisations." in html


def test_never_linked_shows_nothing(client, login, caseworker, make_person, make_case):
    """No linkage run yet: nothing is known either way, so nothing is said."""
    case = make_case(caseworker, make_person(caseworker))
    consent(case)
    assert LINE not in page(client, login, caseworker, case).content.decode()


def test_other_organisation_gets_404(client, login, three_orgs, held_three_times):
    consent(held_three_times)
    r = page(client, login, three_orgs[1], held_three_times)
    assert r.status_code == 404
    assert WORDS.encode() not in r.content


@pytest.mark.parametrize("role", ["me_officer", "monitor", "auditor", "national_coordinator"])
def test_weaker_roles_cannot_open_the_case(
    client, login, org, make_member, three_orgs, held_three_times, role
):
    consent(held_three_times)
    r = page(client, login, make_member(org, role), held_three_times)
    assert r.status_code in (403, 404)
    assert WORDS.encode() not in r.content
    assert not AuditEntry.objects.filter(detail__known_elsewhere=True).exists()


def test_count_follows_the_clusters(client, login, three_orgs, held_three_times, make_person):
    """Another record of her at the same other organisation does not count twice; a
    record at her own organisation does not count at all."""
    here, there, _far = three_orgs
    make_person(there, family_name="Sooronbaeva", given_name="Aigul", birth_date="1995-03-14")
    make_person(here, family_name="Sooronbaeva", given_name="Aigul", birth_date="1995-03-14")
    call_command("link_network")
    consent(held_three_times)
    html = page(client, login, here, held_three_times).content.decode()
    assert "This person may be known to 2 other organisations." in html


def test_the_look_reads_as_a_phrase_in_the_audit_trail(
    client, login, org, make_member, three_orgs, held_three_times
):
    consent(held_three_times)
    page(client, login, three_orgs[0], held_three_times)
    login(make_member(org, "auditor"))
    html = client.get("/audit/").content.decode()
    assert "number of other organisations that may hold the person" in html


def api(client, login, member, person_id):
    login(member)
    return client.get(f"/api/v1/duplicates/people/{person_id}/known-elsewhere/")


def test_the_api_answers_the_same_count_and_audits_it(client, login, three_orgs, held_three_times):
    consent(held_three_times)
    r = api(client, login, three_orgs[0], held_three_times.person_id)
    assert r.status_code == 200
    assert r.json() == {"person": held_three_times.person_id, "known_to_other_organisations": 2}
    entry = AuditEntry.objects.filter(detail__known_elsewhere=True).latest("id")
    assert entry.detail["shown"] == [held_three_times.person_id]


def test_the_api_says_nothing_without_consent_or_to_others(
    client, login, org, make_member, three_orgs, held_three_times
):
    here, there, _far = three_orgs
    person_id = held_three_times.person_id
    assert api(client, login, here, person_id).status_code == 404  # no consent yet
    consent(held_three_times)
    r = api(client, login, there, person_id)  # another organisation, which holds her too
    assert r.status_code == 404 and b"known_to" not in r.content
    r = api(client, login, make_member(org, "monitor"), person_id)  # may not view people
    assert r.status_code in (403, 404) and b"known_to" not in r.content
    assert not AuditEntry.objects.filter(detail__known_elsewhere=True).exists()


def test_people_of_an_unfinished_import_are_not_linked(monkeypatch, three_orgs, make_person):
    """A register import still writing may yet be rolled back: the network run leaves
    its people out, as every page does."""
    from apps.linkage.models import NetworkCluster
    from apps.people.models import Person, RegisterImportRun

    here, there, _far = three_orgs
    settled = make_person(here, family_name="Сооронбаева", given_name="Айгүл")
    writing = make_person(there, family_name="Sooronbaeva", given_name="Aigul")
    run = RegisterImportRun.objects.create(
        organization=there.organization, host="elsewhere.example", pid=1, thread=1
    )
    Person.objects.filter(pk=writing.pk).update(import_run=run)
    monkeypatch.setenv("KOLDOO_LINKAGE_KEY", KEY)
    call_command("link_network")
    linked = set(NetworkCluster.objects.values_list("person_id", flat=True))
    assert settled.pk in linked and writing.pk not in linked
