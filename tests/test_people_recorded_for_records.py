"""A monitor records the people of a violation, a visit or an appeal through one rule of
apps.people (record_person_for_record, docs/decisions/0021): the person is a person of
the organisation, audited as the monitor's, and the monitor's own role gains nothing."""

import pytest

from apps.accounts.roles import Permission
from apps.core.errors import NotAllowed
from apps.core.models import AuditEntry
from apps.people.models import Person
from apps.people.selectors import search_people
from apps.people.services import record_person_for_record

VICTIM = {"given_name": "Бермет", "family_name": "Жусупова"}


@pytest.fixture
def monitor(org, make_member):
    return make_member(org, "monitor")


@pytest.mark.parametrize(
    "permission", [Permission.DOCUMENT_VIOLATIONS, Permission.HANDLE_MISSING_APPEALS]
)
def test_monitor_records_a_person_of_the_organisation_audited_as_theirs(monitor, permission):
    person = record_person_for_record(membership=monitor, permission=permission, data=VICTIM)

    person.refresh_from_db()
    assert person.organization_id == monitor.organization_id
    assert (person.given_name, person.family_name) == ("Бермет", "Жусупова")
    entry = AuditEntry.objects.get(
        action=AuditEntry.Action.CREATE, target_type="person", target_id=str(person.pk)
    )
    assert entry.actor_id == monitor.user_id


def test_the_monitor_still_cannot_search_the_people_register(monitor, caseworker):
    record_person_for_record(
        membership=monitor, permission=Permission.DOCUMENT_VIOLATIONS, data=VICTIM
    )

    assert not monitor.can(Permission.VIEW_PEOPLE)
    assert search_people(monitor, "Жусупова") == []
    # The organisation's case workers find the person like any other (0021).
    assert [p.given_name for p in search_people(caseworker, "Жусупова")] == ["Бермет"]


@pytest.mark.parametrize("role", ["lawyer", "me_officer", "auditor"])
def test_a_role_without_the_records_permission_records_nobody(org, make_member, role):
    member = make_member(org, role)

    with pytest.raises(NotAllowed):
        record_person_for_record(
            membership=member, permission=Permission.DOCUMENT_VIOLATIONS, data=VICTIM
        )
    assert not Person.objects.exists()
