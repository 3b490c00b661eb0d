"""Impossible input is refused with a clear message: decisions before the complaint,
planned hearings in the past, unknown articles, impossible sentences, a conviction
without its verdict document."""

# The shared fixtures of tests/legal_fixtures.py are imported by name, then used as
# arguments, which ruff takes for redefinitions.
# ruff: noqa: F811

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.legal import services
from tests.legal_fixtures import (  # noqa: F401
    days_ago,
    lawyer,
    legal_reference,
    proceeding,
    torture_case,
    trial_with_charge,
)

pytestmark = pytest.mark.django_db


def _complaint(lawyer, proceeding):
    return services.add_stage(
        membership=lawyer,
        proceeding=proceeding,
        data={"stage_type": "complaint", "started_on": date(2025, 2, 1)},
    )


def test_decision_dated_before_the_complaint_is_refused(lawyer, proceeding):
    _complaint(lawyer, proceeding)
    with pytest.raises(ValidationError) as e:
        services.add_stage(
            membership=lawyer,
            proceeding=proceeding,
            data={
                "stage_type": "opening_decision",
                "started_on": date(2025, 2, 1),
                "decision": "refused",
                "decided_on": date(2025, 1, 20),
            },
        )
    assert "before the stage started" in str(e.value) or "before the complaint" in str(e.value)
    assert proceeding.stages.count() == 1


def test_appeal_must_name_a_decided_stage_and_start_after_it(lawyer, proceeding):
    _complaint(lawyer, proceeding)
    refusal = services.add_stage(
        membership=lawyer,
        proceeding=proceeding,
        data={"stage_type": "opening_decision", "started_on": date(2025, 2, 5),
              "decision": "refused", "decided_on": date(2025, 2, 10)},
    )  # fmt: skip
    with pytest.raises(ValidationError) as e:
        services.add_stage(
            membership=lawyer,
            proceeding=proceeding,
            data={"stage_type": "challenge", "started_on": date(2025, 2, 12)},
        )
    assert "challenges" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.add_stage(
            membership=lawyer,
            proceeding=proceeding,
            data={"stage_type": "challenge", "started_on": date(2025, 2, 8), "challenges": refusal},
        )
    assert "started_on" in e.value.message_dict
    challenge = services.add_stage(
        membership=lawyer,
        proceeding=proceeding,
        data={"stage_type": "challenge", "started_on": date(2025, 2, 12), "challenges": refusal},
    )
    assert challenge.challenges == refusal


def test_planned_hearing_in_the_past_is_refused_but_a_held_one_is_kept(lawyer, proceeding):
    past = timezone.now() - timedelta(days=2)
    with pytest.raises(ValidationError) as e:
        services.schedule_hearing(
            membership=lawyer, proceeding=proceeding, data={"starts_at": past, "court": "Court"}
        )
    assert "planned hearing cannot be in the past" in str(e.value)
    held = services.schedule_hearing(
        membership=lawyer,
        proceeding=proceeding,
        data={"starts_at": past, "court": "Court", "status": "held"},
    )
    assert held.pk


def test_unknown_article_is_refused():
    with pytest.raises(ValidationError) as e:
        services.find_article(edition="2021", number="999")
    assert "There is no article 999" in str(e.value)


@pytest.mark.parametrize(
    "sentence, field",
    [
        ({"prison_days": -1}, "prison_days"),
        ({"prison_days": 31 * 365}, "prison_days"),
        ({"fine_amount": -5, "fine_currency": "KGS"}, "fine_amount"),
        ({"fine_amount": 1000}, "fine_currency"),
        ({"probation_days": 99999}, "probation_days"),
        ({"suspended": True}, "suspended"),
    ],
)
def test_impossible_sentences_are_refused(sentence, field):
    with pytest.raises(ValidationError) as e:
        services.check_sentence(sentence)
    assert field in e.value.message_dict


def _trial_with_charge(lawyer, proceeding):
    return trial_with_charge(lawyer, proceeding, started_on=date(2025, 6, 1), part="2")


def test_conviction_needs_the_verdict_attached_or_a_reason(lawyer, proceeding):
    trial, charge = _trial_with_charge(lawyer, proceeding)
    with pytest.raises(ValidationError) as e:
        services.record_verdict(
            membership=lawyer, charge=charge, stage=trial, outcome="conviction",
            decided_on=date(2025, 9, 1), sentence={"prison_days": 2000},
        )  # fmt: skip
    assert "Attach the verdict" in str(e.value)
    with pytest.raises(ValidationError):
        services.record_decision(
            membership=lawyer,
            stage=trial,
            data={"decision": "conviction", "decided_on": date(2025, 9, 1)},
        )
    services.attach_document(
        membership=lawyer,
        stage=trial,
        uploaded_file=SimpleUploadedFile("verdict.pdf", b"%PDF verdict", "application/pdf"),
        kind="verdict",
    )
    services.record_decision(
        membership=lawyer,
        stage=trial,
        data={"decision": "conviction", "decided_on": date(2025, 9, 1)},
    )
    verdict = services.record_verdict(
        membership=lawyer, charge=charge, stage=trial, outcome="conviction",
        decided_on=date(2025, 9, 1), sentence={"prison_days": 2000},
    )  # fmt: skip
    assert verdict.sentence.prison_days == 2000


def test_conviction_without_document_is_allowed_with_a_reason(lawyer, proceeding):
    trial, charge = _trial_with_charge(lawyer, proceeding)
    services.record_decision(
        membership=lawyer,
        stage=trial,
        data={"decision": "conviction", "decided_on": date(2025, 9, 1),
              "verdict_unavailable_reason": "The court has not issued the written verdict yet"},
    )  # fmt: skip
    verdict = services.record_verdict(
        membership=lawyer, charge=charge, stage=trial, outcome="conviction",
        decided_on=date(2025, 9, 1),
    )  # fmt: skip
    assert verdict.outcome == "conviction"


def test_timeline_is_append_only_and_corrections_point_back(lawyer, proceeding):
    first = services.add_timeline_entry(
        membership=lawyer, proceeding=proceeding, happened_on=days_ago(3), text="Hearing on 5th"
    )
    fix = services.add_timeline_entry(
        membership=lawyer, proceeding=proceeding, happened_on=days_ago(3),
        text="Hearing on 6th", corrects=first,
    )  # fmt: skip
    first.refresh_from_db()
    assert first.text == "Hearing on 5th" and fix.corrects == first
    with pytest.raises(ValueError):
        first.save()


def test_form_keeps_what_was_typed_on_refusal(lawyer, proceeding, login):
    c = login(lawyer)
    response = c.post(
        f"/legal/proceedings/{proceeding.pk}/hearings/",
        {
            "hearing-starts_at": "2020-01-01 10:00",
            "hearing-court": "Октябрьский районный суд",
            "hearing-status": "planned",
        },  # fmt: skip
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Октябрьский районный суд" in body
    assert "planned hearing cannot be in the past" in body
