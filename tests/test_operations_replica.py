"""With a read replica configured, report queries go to it and nothing else does."""

from datetime import date

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext


@pytest.fixture(scope="module", autouse=True)
def _replica_alias(django_db_setup, django_db_blocker):
    """A "replica" alias on the same test database (as a streaming replica holds the same
    rows), added once the test database exists, like a second server in production."""
    from django.conf import settings

    with django_db_blocker.unblock():
        conf = dict(connections["default"].settings_dict)
    # connections.settings is settings.DATABASES itself.
    settings.DATABASES["replica"] = conf
    yield
    connections["replica"].close()
    settings.DATABASES.pop("replica")


@pytest.fixture
def replica():
    return connections["replica"]


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_report_counts_read_from_the_replica_and_writes_stay_on_default(
    replica, caseworker, make_person, make_case
):
    from apps.core.db_router import reading_reports
    from apps.people.models import Person
    from apps.statistics import counting

    person = make_person(caseworker)
    make_case(caseworker, person)
    org_ids = [caseworker.organization_id]
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_default,
    ):
        with counting.report_transaction():
            cases = counting.case_counts(org_ids, date(2000, 1, 1), date(2100, 1, 1))
            victims = counting.victim_counts(org_ids, date(2000, 1, 1), date(2100, 1, 1))
        # Outside a report, reads stay on the primary (a user reads what they just saved).
        assert Person.objects.filter(pk=person.pk).exists()
    assert sum(cases["opened_by_type"].values()) == 1
    assert victims["total"] == 1
    replica_sql = " ".join(q["sql"] for q in on_replica.captured_queries)
    default_sql = " ".join(q["sql"] for q in on_default.captured_queries)
    assert "cases_case" in replica_sql
    assert "cases_case" not in default_sql
    assert "people_person" in default_sql  # the read outside the report
    with reading_reports() as alias:
        assert alias == "replica"
        from django.db import router

        assert router.db_for_read(Person) == "replica"
        assert router.db_for_write(Person) == "default"


def test_without_a_replica_reports_use_the_primary(db, monkeypatch):
    from django.db import router

    from apps.core import db_router

    # As if no replica were configured (the alias of this module stays for the others).
    monkeypatch.setattr(db_router, "REPLICA", "no-replica-configured")

    from apps.core.db_router import reading_reports
    from apps.people.models import Person

    with reading_reports() as alias:
        assert alias == "default"
        assert router.db_for_read(Person) == "default"


def test_migrate_never_targets_the_replica():
    from apps.core.db_router import ReportReplicaRouter

    assert ReportReplicaRouter().allow_migrate("replica", "people") is False
    assert ReportReplicaRouter().allow_migrate("default", "people") is True
