"""One organisation's large register import never makes another organisation's requests
fail: on SQLite the import writes in short transactions, so other writers wait a moment
for the single write lock instead of timing out with "database is locked"."""

import threading

import pytest
from django.db import connection, connections

from apps.people import register_import
from apps.people.models import Person
from apps.people.register_import import apply_import, plan_import

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="PostgreSQL locks rows, not the database"
    ),
]

ROWS = 4000


def register_csv(rows: int) -> bytes:
    lines = ["external_id,family_name,given_name,case_type,notes"]
    lines += [f"C-{i},Фамилия{i},Имя{i},legal_aid,note {i}" for i in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.fixture
def short_busy_timeout():
    # A short wait for the write lock (production waits 20 s): an import holding the lock
    # for the whole file, as before, makes the other organisation's writes fail here.
    options = connection.settings_dict["OPTIONS"]
    before = options.get("timeout")
    options["timeout"] = 1
    connection.close()
    yield
    options["timeout"] = before
    connection.close()


def test_wal_mode_and_busy_timeout_are_on():
    with connection.cursor() as cur:
        cur.execute("PRAGMA journal_mode")
        assert cur.fetchone()[0] == "wal"
        cur.execute("PRAGMA busy_timeout")
        assert cur.fetchone()[0] >= 5000


def test_other_organisation_works_during_a_large_import(
    org, other_org, make_member, login, client, monkeypatch, short_busy_timeout
):
    monkeypatch.setattr(register_import, "BATCH_SIZE", 250)
    admin = make_member(org, "org_admin")
    plan = plan_import(org, register_csv(ROWS), "register.csv")
    assert plan.ok
    login(make_member(other_org, "case_worker"))
    client.raise_request_exception = False
    failures: list[BaseException] = []

    def run_import():
        try:
            apply_import(admin, plan)
        except BaseException as exc:  # reported by the test below
            failures.append(exc)
        finally:
            connections.close_all()

    importer = threading.Thread(target=run_import)
    importer.start()
    statuses = []
    n = 0
    while importer.is_alive() or n < 5:
        n += 1
        statuses.append(
            client.post(
                "/people/new/", {"given_name": f"Бермет{n}", "family_name": "Асанова", "sex": "F"}
            ).status_code
        )
        statuses.append(client.get("/people/").status_code)
    importer.join()

    assert failures == []
    assert [s for s in statuses if s >= 500] == []
    assert Person.objects.filter(organization=org).count() == ROWS
    assert Person.objects.filter(organization=other_org).count() == n


def test_a_failing_batch_leaves_nothing_behind(org, make_member, monkeypatch):
    monkeypatch.setattr(register_import, "BATCH_SIZE", 100)
    admin = make_member(org, "org_admin")
    plan = plan_import(org, register_csv(450), "register.csv")
    written = register_import._Writer.write
    calls = {"n": 0}

    def fail_on_the_fourth_batch(self, batch, report):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("disk full")
        return written(self, batch, report)

    monkeypatch.setattr(register_import._Writer, "write", fail_on_the_fourth_batch)
    with pytest.raises(RuntimeError):
        apply_import(admin, plan)
    from apps.cases.models import Case, CaseNote
    from apps.people.models import PersonNameKey

    assert not Person.objects.exists() and not Person.history.exists()
    assert not Case.objects.exists() and not CaseNote.objects.exists()
    assert not PersonNameKey.objects.exists()
