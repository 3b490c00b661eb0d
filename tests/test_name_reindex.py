"""After an upgrade changes the name normaliser, the keys are rebuilt and staleness is told."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.core.crypto import blind_hash, organization_index_key
from apps.people.models import PersonNameKey
from apps.people.name_keys import stored_keys
from apps.people.selectors import search_people


@pytest.fixture
def upgraded(caseworker, make_person):
    """People stored in Latin whose keys the normaliser before issue 12 made."""
    fyodor = make_person(caseworker, given_name="Fyodor", family_name="Solovyov")
    aijan = make_person(caseworker, given_name="Aijan", family_name="Dschumabajewa")
    fresh = make_person(caseworker, given_name="Анна", family_name="Иванова")
    org_key = organization_index_key(caseworker.organization_id)
    # The tokens the older normaliser folded these spellings to.
    for person, old_tokens in (
        (fyodor, ["soloviov", "fiodor"]),
        (aijan, ["dschumabajeva", "aijan"]),
    ):
        PersonNameKey.objects.filter(person=person).delete()
        PersonNameKey.objects.bulk_create(
            PersonNameKey(person=person, key=blind_hash(org_key, k))
            for k in stored_keys(old_tokens)
        )
    return fyodor, aijan, fresh


@pytest.mark.django_db
def test_stale_keys_are_reported_by_the_check_command(upgraded):
    with pytest.raises(CommandError, match="reindex_names"):
        call_command("reindex_names", "--check")


@pytest.mark.django_db
def test_stale_keys_are_a_warning_when_migrating(upgraded):
    from apps.people.checks import name_keys_current

    warnings = name_keys_current(databases=["default"])
    assert [w.id for w in warnings] == ["people.W001"]


@pytest.mark.django_db
def test_reindex_makes_the_people_findable_again(upgraded, caseworker):
    fyodor, aijan, fresh = upgraded
    assert fyodor not in search_people(caseworker, "Соловьёв Фёдор")
    call_command("reindex_names", "--batch", "1")
    assert search_people(caseworker, "Соловьёв Фёдор")[0] == fyodor
    assert search_people(caseworker, "Жумабаева Айжан")[0] == aijan
    assert search_people(caseworker, "Ivanova Anna")[0] == fresh
    call_command("reindex_names", "--check")  # no longer stale: does not raise


@pytest.mark.django_db
def test_reindex_rewrites_only_the_stale_people_and_can_be_run_again(upgraded, capsys):
    from apps.people.services import reindex_names

    progress = list(reindex_names(batch=2))
    assert progress == [(2, 2), (3, 2)]  # batches of two people; the fresh one untouched
    assert list(reindex_names(batch=2))[-1] == (3, 0)


@pytest.mark.django_db
def test_reindex_is_audited(upgraded):
    from apps.core.models import AuditEntry

    call_command("reindex_names")
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.target_type == "keys"
    assert entry.detail["name_keys_rebuilt"] == 2
