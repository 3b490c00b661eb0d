"""Procedural deadlines: computed by reference-data rules over calendar or working days
with Kyrgyzstan's public holidays; shown in the task list with warnings at 7 and 2
days; a missed one is visible to the organisation admin."""

# The shared fixtures of tests/legal_fixtures.py are imported by name, then used as
# arguments, which ruff takes for redefinitions.
# ruff: noqa: F811

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.legal import services
from apps.legal.deadlines import due_date, is_day_off
from tests.legal_fixtures import (  # noqa: F401
    days_ago,
    lawyer,
    legal_admin,
    legal_reference,
    proceeding,
    torture_case,
)


def test_kyrgyz_public_holidays_are_days_off():
    assert is_day_off(date(2026, 8, 31))  # Independence Day, a Monday
    assert is_day_off(date(2026, 3, 21))  # Nooruz
    assert not is_day_off(date(2026, 9, 1))


def test_working_days_skip_weekends_and_the_may_holidays():
    # Thursday 30 April 2026; 1-10 May are holidays or a weekend.
    assert due_date(date(2026, 4, 30), 1, "working") == date(2026, 5, 11)
    assert due_date(date(2026, 4, 27), 3, "working") == date(2026, 4, 30)


def test_calendar_period_ending_on_a_holiday_moves_to_the_next_working_day():
    assert due_date(date(2026, 4, 16), 15, "calendar") == date(2026, 5, 11)
    assert due_date(date(2026, 9, 1), 15, "calendar") == date(2026, 9, 16)


pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_refusal_starts_the_complaint_deadline_by_its_rule(lawyer, proceeding):
    services.add_stage(
        membership=lawyer, proceeding=proceeding,
        data={"stage_type": "complaint", "started_on": date(2026, 4, 1)},
    )  # fmt: skip
    refusal = services.add_stage(
        membership=lawyer, proceeding=proceeding,
        data={"stage_type": "opening_decision", "started_on": date(2026, 4, 20),
              "decision": "refused", "decided_on": date(2026, 4, 30)},
    )  # fmt: skip
    deadline = refusal.deadlines.get()
    assert deadline.rule.code == "refusal_complaint"
    # Ten working days from 30 April 2026: the May holidays do not count.
    assert deadline.due_on == date(2026, 5, 22)
    # Filing the complaint against the refusal meets the deadline.
    services.add_stage(
        membership=lawyer, proceeding=proceeding,
        data={"stage_type": "challenge", "started_on": date(2026, 5, 12), "challenges": refusal},
    )  # fmt: skip
    deadline.refresh_from_db()
    assert deadline.met_on == date(2026, 5, 12)


@pytestmark_db
def test_appeal_deadline_of_a_conviction_appears_in_the_task_list_with_a_warning(
    lawyer, proceeding, login
):
    trial = services.add_stage(
        membership=lawyer, proceeding=proceeding,
        data={"stage_type": "first_instance", "started_on": days_ago(30)},
    )  # fmt: skip
    services.attach_document(
        membership=lawyer, stage=trial, kind="verdict",
        uploaded_file=SimpleUploadedFile("v.pdf", b"verdict", "application/pdf"),
    )  # fmt: skip
    services.record_decision(
        membership=lawyer, stage=trial, data={"decision": "conviction", "decided_on": days_ago(10)}
    )
    deadline = proceeding.deadlines.get()
    assert deadline.rule.code == "appeal"
    assert 0 <= deadline.days_left() <= 7
    body = login(lawyer).get("/legal/deadlines/").content.decode()
    assert deadline.rule.name in body
    assert "days left" in body or "day left" in body


@pytestmark_db
@pytest.mark.parametrize(
    "days_left, warning", [(10, ""), (7, "7"), (3, "7"), (2, "2"), (0, "2"), (-1, "missed")]
)
def test_warnings_at_seven_and_two_days(lawyer, proceeding, days_left, warning):
    from apps.legal.models import DeadlineRule

    deadline = services.add_deadline(
        membership=lawyer, proceeding=proceeding,
        rule=DeadlineRule.objects.get(code="appeal"), counted_from=days_ago(1),
    )  # fmt: skip
    deadline.due_on = days_ago(-days_left)
    assert deadline.warning == warning


@pytestmark_db
def test_missed_deadline_is_visible_to_the_admin_not_only_the_lawyer(
    lawyer, legal_admin, proceeding, login
):
    from apps.legal.models import DeadlineRule

    services.add_deadline(
        membership=lawyer, proceeding=proceeding,
        rule=DeadlineRule.objects.get(code="appeal"), counted_from=days_ago(60),
    )  # fmt: skip
    body = login(legal_admin).get("/legal/deadlines/").content.decode()
    assert "Missed deadlines of the organisation" in body
    assert proceeding.reference in body
    assert (
        "Missed deadlines of the organisation"
        not in login(lawyer).get("/legal/deadlines/").content.decode()
    )
    services.meet_deadline(membership=lawyer, deadline=proceeding.deadlines.get())
    assert proceeding.deadlines.get().met_on == days_ago(0)
    assert proceeding.reference not in login(legal_admin).get("/legal/deadlines/").content.decode()
