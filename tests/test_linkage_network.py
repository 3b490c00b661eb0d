"""Across organisations: keyed encodings, opaque cluster ids only."""

import pytest
from django.core.management import CommandError, call_command

from apps.linkage.models import NetworkCluster
from apps.linkage.network import encodings, known_elsewhere

pytestmark = pytest.mark.django_db

KEY = "k" * 40


@pytest.fixture
def same_woman_twice(org, other_org, make_member, make_person):
    here, there = make_member(org), make_member(other_org)
    a = make_person(here, family_name="Сооронбаева", given_name="Айгүл", birth_date="1995-03-14")
    b = make_person(there, family_name="Sooronbaeva", given_name="Aigul", birth_date="1995-03-14")
    namesake = make_person(
        there, family_name="Sooronbaeva", given_name="Aigul", birth_date="1971-08-30"
    )
    return a, b, namesake


def test_two_organisations_holding_one_woman_get_one_cluster(monkeypatch, same_woman_twice):
    a, b, namesake = same_woman_twice
    monkeypatch.setenv("KOLDOO_LINKAGE_KEY", KEY)
    call_command("link_network")
    cluster = dict(NetworkCluster.objects.values_list("person_id", "cluster"))
    assert cluster[a.pk] == cluster[b.pk] != cluster[namesake.pk]
    assert known_elsewhere(a) == 1 and known_elsewhere(namesake) == 0
    # The cluster id says nothing about the name.
    assert all(len(c) == 32 and "sooron" not in c for c in cluster.values())


def test_encodings_are_keyed_and_never_of_a_name_alone(same_woman_twice):
    a, b, namesake = same_woman_twice
    key = KEY.encode()
    assert encodings(a, key) & encodings(b, key)
    # Namesakes share no encoding: no encoding stands for a name alone.
    assert not encodings(a, key) & encodings(namesake, key)
    # Another key, unrelated encodings.
    assert not encodings(a, key) & encodings(a, b"x" * 40)
    assert not any("soron" in e for e in encodings(a, key))


def test_without_the_network_key_nothing_is_linked(monkeypatch, same_woman_twice):
    monkeypatch.delenv("KOLDOO_LINKAGE_KEY", raising=False)
    with pytest.raises(CommandError, match="KOLDOO_LINKAGE_KEY"):
        call_command("link_network")
    assert not NetworkCluster.objects.exists()
