"""The batch duplicate finder, the review queue (blind to the score at first), merges
with their undo, and "not the same person" remembered."""

import pytest

from apps.cases.models import Case
from apps.core.models import AuditEntry
from apps.linkage.batch import find_duplicates
from apps.linkage.models import DuplicatePair, Merge
from apps.linkage.selectors import current_person_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(org, make_member):
    return make_member(org, "org_admin")


@pytest.fixture
def twins(admin, make_person, make_case):
    """One woman registered twice (Cyrillic and passport Latin), a case on each, and a
    namesake born another year."""
    a = make_person(
        admin,
        family_name="Сооронбаева",
        given_name="Айгүл",
        patronymic="Асан кызы",
        birth_date="1995-03-14",
        sex="F",
        phones=["+996 555 11-22-33"],
    )
    b = make_person(
        admin,
        family_name="Sooronbaeva",
        given_name="Aigul",
        patronymic="Asanovna",
        birth_date="1995-14-03"[:4] + "-03-14",
        sex="F",
        phones=["0555 112 233"],
    )
    other = make_person(
        admin, family_name="Осмонова", given_name="Бермет", birth_date="1971-08-30", sex="F"
    )
    return a, b, other, make_case(admin, a), make_case(admin, b)


def test_finder_proposes_the_pair_and_not_the_stranger(admin, twins):
    a, b, other, *_ = twins
    result = find_duplicates(admin)
    assert result["people"] == 3
    pair = DuplicatePair.objects.get()
    assert (pair.person_l_id, pair.person_r_id) == (a.pk, b.pk)
    assert pair.probability > 0.9
    assert {"name", "birth_date", "phone"} <= set(pair.agreeing)
    # Running it again proposes nothing new.
    assert find_duplicates(admin)["new"] == 0


def test_queue_is_blind_to_the_score_until_asked(client, login, admin, twins):
    find_duplicates(admin)
    pair = DuplicatePair.objects.get()
    login(admin)
    queue = client.get("/duplicates/").content.decode()
    assert pair.reference in queue
    page = client.get(f"/duplicates/pairs/{pair.pk}/").content.decode()
    assert "Show the match probability" in page
    assert "Match probability:" not in page
    assert "Сооронбаева" in page and "Sooronbaeva" in page
    revealed = client.get(f"/duplicates/pairs/{pair.pk}/?score=1").content.decode()
    assert "Match probability:" in revealed
    pair.refresh_from_db()
    assert pair.score_revealed  # the decision may be anchored: remembered


def test_merge_moves_cases_and_undo_puts_them_back(client, login, admin, twins):
    a, b, _other, case_a, case_b = twins
    find_duplicates(admin)
    pair = DuplicatePair.objects.get()
    login(admin)
    response = client.post(f"/duplicates/pairs/{pair.pk}/", {"decision": "keep_left"})
    assert response.status_code == 302
    merge = Merge.objects.get()
    assert (merge.survivor_id, merge.merged_id) == (a.pk, b.pk)
    assert set(Case.objects.filter(person=a).values_list("pk", flat=True)) == {
        case_a.pk,
        case_b.pk,
    }
    # The merged record is kept and its identifier leads to the survivor.
    assert current_person_id(admin.organization_id, b.pk) == a.pk
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.MERGED
    # The batch finder no longer compares the merged record.
    assert find_duplicates(admin)["people"] == 2

    assert client.post(f"/duplicates/merges/{merge.pk}/undo/").status_code == 302
    case_b.refresh_from_db()
    assert case_b.person_id == b.pk
    assert Case.objects.get(pk=case_a.pk).person_id == a.pk
    assert current_person_id(admin.organization_id, b.pk) == b.pk
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.OPEN
    merge.refresh_from_db()
    assert merge.undone_by == admin.user
    actions = AuditEntry.objects.filter(target_type="person", target_id=str(b.pk))
    assert any("merged_into" in (e.detail or {}) for e in actions)
    assert any("merge_undone" in (e.detail or {}) for e in actions)


def test_not_the_same_person_is_remembered(client, login, admin, twins):
    find_duplicates(admin)
    pair = DuplicatePair.objects.get()
    login(admin)
    client.post(f"/duplicates/pairs/{pair.pk}/", {"decision": "not_same"})
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.NOT_SAME
    find_duplicates(admin)
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.NOT_SAME
    queue = client.get("/duplicates/").content.decode()
    to_review = queue.split("To review")[1].split("Recent merges")[0]
    assert pair.reference not in to_review


def test_a_merged_record_cannot_be_merged_again(admin, twins):
    from apps.linkage.services import MergeRefused, merge_people

    a, b, other, *_ = twins
    merge_people(admin, survivor=a, merged=b)
    with pytest.raises(MergeRefused):
        merge_people(admin, survivor=other, merged=b)
    with pytest.raises(MergeRefused):
        merge_people(admin, survivor=a, merged=a)


def test_other_organisation_gets_404_and_weaker_roles_403(
    client, login, admin, twins, other_org, make_member, org
):
    find_duplicates(admin)
    pair = DuplicatePair.objects.get()
    a, b, *_ = twins
    from apps.linkage.services import merge_people

    merge = merge_people(admin, survivor=a, merged=b)
    stranger = make_member(other_org, "org_admin")
    login(stranger)
    assert client.get(f"/duplicates/pairs/{pair.pk}/").status_code == 404
    assert client.post(f"/duplicates/merges/{merge.pk}/undo/").status_code == 404
    queue = client.get("/duplicates/")
    assert queue.status_code == 200 and pair.reference not in queue.content.decode()
    for role in ("case_worker", "operator", "lawyer"):
        login(make_member(org, role))
        for url in ("/duplicates/", f"/duplicates/pairs/{pair.pk}/"):
            response = client.get(url)
            assert response.status_code == 403
            assert "Сооронбаева" not in response.content.decode()
        assert client.post("/duplicates/find/").status_code == 403
        assert client.post(f"/duplicates/merges/{merge.pk}/undo/").status_code == 403
    merge.refresh_from_db()
    assert merge.active


def test_nav_link_only_for_those_who_merge(client, login, admin, caseworker):
    login(admin)
    assert 'href="/duplicates/"' in client.get("/people/").content.decode()
    login(caseworker)
    assert 'href="/duplicates/"' not in client.get("/people/").content.decode()


def test_incremental_run_compares_only_new_people(admin, twins, make_person):
    a, b, other, *_ = twins
    assert find_duplicates(admin)["people"] == 3
    third = make_person(
        admin, family_name="Soorónbaeva", given_name="Aigül", birth_date="1995-03-14", sex="F"
    )
    result = find_duplicates(admin, incremental=True)
    assert result["people"] == 1
    pairs = {(p.person_l_id, p.person_r_id) for p in DuplicatePair.objects.all()}
    assert (a.pk, third.pk) in pairs and (b.pk, third.pk) in pairs
    assert not any(other.pk in p for p in pairs)
    assert find_duplicates(admin, incremental=True) == {"people": 0, "pairs": 0, "new": 0}


def test_demo_data_proposes_its_duplicates(org, make_member):
    from apps.linkage import demo_data

    members = {
        demo_data.ADMIN: make_member(org, "org_admin", email=demo_data.ADMIN),
        demo_data.CASEWORKER: make_member(org, "case_worker", email=demo_data.CASEWORKER),
    }
    demo_data.seed(members=members, organizations={}, rng=None)
    assert DuplicatePair.objects.filter(organization=org).count() == 2


def test_merged_record_page_leads_to_the_survivor(client, login, admin, twins):
    from apps.linkage.services import merge_people, undo_merge

    a, b, *_ = twins
    merge = merge_people(admin, survivor=a, merged=b)
    login(admin)
    page = client.get(f"/people/{b.pk}/").content.decode()
    assert "This record was merged" in page and f'href="/people/{a.pk}/"' in page
    undo_merge(admin, merge)
    assert "This record was merged" not in client.get(f"/people/{b.pk}/").content.decode()
