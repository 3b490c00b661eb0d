"""Named participants: encrypted at rest, counted once per training however their name
is spelt, audited when shown; training outcomes."""

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from apps.core.models import AuditEntry
from apps.prevention import services
from apps.prevention.models import ANY

DAY = datetime.date(2026, 3, 2)
NAME = "Бегимай Сагынбаева"
OUTCOME = "Elected to the Kochkor village council"


@pytest.fixture
def me_officer(org, make_member):
    return make_member(org, "me_officer")


def training(me, day=DAY, title="Training day 1", of=None):
    return services.record_event(
        membership=me,
        data={
            "event_type": "training",
            "title": title,
            "starts_on": day,
            "ends_on": day,
            "attendance_mode": "list",
            "materials_distributed": 0,
            "training": of,
        },
    )


def test_participant_counted_once_across_sessions_of_one_training(me_officer):
    day1 = training(me_officer)
    day2 = training(me_officer, DAY + datetime.timedelta(days=7), "Training day 2", of=day1)
    services.add_participant(
        membership=me_officer, event=day1, name=NAME, sex="F", age_band="25_64"
    )
    # The same woman, written in Latin letters with the words swapped, at day 2.
    with pytest.raises(ValidationError) as caught:
        services.add_participant(
            membership=me_officer, event=day2, name="Sagynbaeva Begimai", sex="F"
        )
    assert "another session of the same training" in " ".join(caught.value.messages)
    with pytest.raises(ValidationError, match="already on the list"):
        services.add_participant(membership=me_officer, event=day1, name=NAME)
    services.add_participant(membership=me_officer, event=day2, name="Жылдыз Осмонова", sex="F")
    day1.refresh_from_db()
    assert day1.total_attendance == 1
    counts = {(c.sex, c.age_band): c.count for c in day1.counts.all()}
    assert counts[("F", ANY)] == 1 and counts[(ANY, "25_64")] == 1


def test_scores_and_follow_ups_refuse_impossible_values(me_officer):
    event = training(me_officer)
    with pytest.raises(ValidationError, match="between 0 and 100"):
        services.record_test_score(
            membership=me_officer, event=event, group="All", pre_score=40, post_score=140
        )
    score = services.record_test_score(
        membership=me_officer, event=event, group="All", pre_score=40, post_score=85
    )
    assert score.post_score - score.pre_score == 45
    with pytest.raises(ValidationError, match="before the training"):
        services.record_follow_up(
            membership=me_officer,
            event=event,
            recorded_on=DAY - datetime.timedelta(days=1),
            outcome=OUTCOME,
        )
    services.record_follow_up(
        membership=me_officer,
        event=event,
        recorded_on=DAY + datetime.timedelta(days=200),
        outcome=OUTCOME,
        people_count=2,
    )


def test_event_page_shows_names_and_audits_the_look(me_officer, login):
    event = training(me_officer)
    services.add_participant(membership=me_officer, event=event, name=NAME, sex="F")
    client = login(me_officer)
    response = client.get(f"/prevention/events/{event.pk}/")
    assert NAME in response.content.decode()
    entry = AuditEntry.objects.filter(action="view", target_type="event").latest("id")
    assert entry.detail["shown"] == [event.pk] and entry.detail["participants"] == 1
    assert NAME not in str(entry.detail)
    # A duplicate typed on the page comes back with the name kept and the reason.
    response = client.post(
        f"/prevention/events/{event.pk}/participants/",
        {"name": NAME, "sex": "F", "age_band": "unknown"},
    )
    assert response.status_code == 400
    assert "already on the list" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_database_dump_holds_no_participant_name_or_follow_up_in_plaintext(
    reference_data, make_org, make_member
):
    me = make_member(make_org("dump-org"), "me_officer")
    event = training(me)
    services.add_participant(membership=me, event=event, name=NAME, sex="F")
    services.record_follow_up(
        membership=me, event=event, recorded_on=DAY + datetime.timedelta(days=30), outcome=OUTCOME
    )
    assert event.participants.get().name == NAME
    if connection.vendor == "sqlite":
        connection.close()
        db = Path(connection.settings_dict["NAME"])
        dump = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    else:
        if not shutil.which("pg_dump"):
            pytest.skip("pg_dump not installed")
        s = connection.settings_dict
        dump = subprocess.run(
            ["pg_dump", "-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432),
             "-U", s["USER"] or "postgres", s["NAME"]],
            capture_output=True, check=True,
        ).stdout  # fmt: skip
    assert len(dump) > 10_000
    for secret in (NAME, "Бегимай", "Сагынбаева", OUTCOME):
        for encoding in ("utf-8", "utf-16-le"):
            assert secret.encode(encoding) not in dump, secret
