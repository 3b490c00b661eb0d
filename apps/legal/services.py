"""Every write of legal work: validate, write in one transaction, audit.

The caller passes a membership whose role grants LEGAL_WORK and records it got from
apps.legal.selectors (so already scoped); each function checks the permission again and
that the record belongs to the member's organisation. Refusals are ValidationErrors with
translated messages naming the field, so forms and the API say the same thing.
"""

import hashlib
import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Permission
from apps.core import audit
from apps.core.crypto import decrypt_bytes, encrypt_bytes
from apps.core.date_rules import check_due_dates, check_past_events
from apps.core.errors import StaleEdit
from apps.core.models import AuditEntry
from apps.legal.deadlines import due_date
from apps.legal.models import (
    CHALLENGING_STAGES,
    AgeBand,
    Article,
    CalendarFeed,
    Charge,
    Compensation,
    Consultation,
    ContactAttempt,
    CustodyChange,
    Deadline,
    DeadlineRule,
    Decision,
    Defendant,
    DocumentKind,
    Hearing,
    HearingStatus,
    LegalSettings,
    Participant,
    Proceeding,
    ProtectionRequest,
    ProtectionStatus,
    Sentence,
    Stage,
    StageDocument,
    StageType,
    TimelineEntry,
    Verdict,
    VerdictOutcome,
)
from apps.people.services import NotAllowed, require

# Thirty years is the longest term the code allows; a longer one is a typing mistake.
MAX_PRISON_DAYS = 30 * 365 + 8
MAX_PROBATION_DAYS = 5 * 365 + 2
MAX_AMOUNT = Decimal("1000000000")
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

# Which rule a decision starts, so that the deadline to challenge it appears by itself.
RULE_FOR_DECISION = {
    Decision.REFUSED: "refusal_complaint",
    Decision.TERMINATED: "termination_complaint",
    Decision.CONVICTION: "appeal",
    Decision.ACQUITTAL: "appeal",
    Decision.CLAIM_GRANTED: "civil_appeal",
    Decision.CLAIM_DISMISSED: "civil_appeal",
}
# After an appeal court's decision, the next step is cassation.
CASSATION_AFTER = {StageType.APPEAL}
FINAL_STAGE_DECISIONS = {
    StageType.FIRST_INSTANCE: {Decision.CONVICTION, Decision.ACQUITTAL, Decision.TERMINATED},
}


def _require(membership) -> None:
    require(membership, Permission.LEGAL_WORK)


def _same_org(membership, proceeding: Proceeding) -> None:
    if proceeding.case.organization_id != membership.organization_id:
        raise NotAllowed(Permission.LEGAL_WORK)


def _audit(action, membership, target, request, **detail):
    audit.by_member(action, membership, target, request, detail or None)


# --- consultations ---------------------------------------------------------------------


def record_consultation(*, membership, data: dict, request=None) -> Consultation:
    """Log one consultation. With a person, the anonymous attributes are taken from
    the person's clear columns (sex, region); without one, they are what was typed."""
    _require(membership)
    person = data.get("person")
    if person is not None and person.organization_id != membership.organization_id:
        raise ValidationError({"person": _("This person belongs to another organisation.")})
    check_past_events({"given_on": data.get("given_on")})
    if not (data.get("question") or "").strip():
        raise ValidationError({"question": _("Write down the question asked.")})
    with transaction.atomic():
        consultation = Consultation(
            organization=membership.organization,
            given_by=membership.user,
            given_on=data["given_on"],
            channel=data["channel"],
            person=person,
            sex=(person.sex if person else data.get("sex", "")) or "",
            age_band=data.get("age_band") or AgeBand.UNKNOWN,
            region=(person.region if person else data.get("region", "")) or "",
            legal_area=data["legal_area"],
            question=data["question"].strip(),
            advice=(data.get("advice") or "").strip(),
            outcome=data["outcome"],
        )
        consultation.full_clean(exclude=["person", "given_by", "organization"])
        consultation.save()
        _audit(AuditEntry.Action.CREATE, membership, consultation, request)
    return consultation


# --- proceedings -----------------------------------------------------------------------


def open_proceeding(*, membership, case, data: dict, request=None) -> Proceeding:
    """Open a proceeding on a case of the member's organisation."""
    _require(membership)
    if case.organization_id != membership.organization_id:
        raise NotAllowed(Permission.LEGAL_WORK)
    check_past_events({"opened_on": data.get("opened_on")})
    lawyer = data.get("lawyer") or membership.user
    from apps.legal.selectors import lawyers_of

    if not lawyers_of(membership.organization_id).filter(pk=lawyer.pk).exists():
        raise ValidationError({"lawyer": _("Choose a lawyer of your organisation.")})
    with transaction.atomic():
        proceeding = Proceeding.objects.create(
            case=case,
            kind=data["kind"],
            client_role=data["client_role"],
            lawyer=lawyer,
            official_number=(data.get("official_number") or "").strip(),
            opened_on=data["opened_on"],
            child_victim=bool(data.get("child_victim")),
            created_by=membership.user,
        )
        _audit(AuditEntry.Action.CREATE, membership, proceeding, request, case=case.pk)
    return proceeding


def _check_stage_dates(proceeding, stage_type, started_on, ended_on, decided_on, challenges,
                       exclude_pk=None) -> None:  # fmt: skip
    check_past_events({"started_on": started_on, "ended_on": ended_on, "decided_on": decided_on})
    problems = {}
    if ended_on and started_on and ended_on < started_on:
        problems["ended_on"] = _("The stage cannot end before it started.")
    if decided_on and started_on and decided_on < started_on:
        problems["decided_on"] = _("The decision cannot be dated before the stage started.")
    complaint = (
        proceeding.stages.filter(stage_type=StageType.COMPLAINT)
        .exclude(pk=exclude_pk)
        .order_by("started_on")
        .first()
    )
    if complaint and stage_type != StageType.COMPLAINT:
        if decided_on and decided_on < complaint.started_on:
            problems["decided_on"] = _(
                "The decision cannot be dated before the complaint (%(date)s)."
            ) % {"date": complaint.started_on.isoformat()}
        if started_on and started_on < complaint.started_on:
            problems["started_on"] = _(
                "This stage cannot start before the complaint (%(date)s)."
            ) % {"date": complaint.started_on.isoformat()}
    if stage_type in CHALLENGING_STAGES:
        if challenges is None:
            problems["challenges"] = _("Choose the decision this stage challenges.")
        elif challenges.proceeding_id != proceeding.pk or not challenges.decision:
            problems["challenges"] = _("Choose a decided stage of this proceeding.")
        elif started_on and challenges.decided_on and started_on < challenges.decided_on:
            problems["started_on"] = _(
                "A challenge cannot start before the decision it challenges (%(date)s)."
            ) % {"date": challenges.decided_on.isoformat()}
    elif challenges is not None:
        problems["challenges"] = _(
            "Only an appeal, a cassation or a complaint against a refusal challenges a decision."
        )
    if problems:
        raise ValidationError(problems)


def add_stage(*, membership, proceeding: Proceeding, data: dict, request=None) -> Stage:
    """Add a stage; with a decision, the deadline to challenge it is computed too."""
    _require(membership)
    _same_org(membership, proceeding)
    decision = data.get("decision") or ""
    decided_on = data.get("decided_on")
    if decision and not decided_on:
        raise ValidationError({"decided_on": _("Give the date of the decision.")})
    if decided_on and not decision:
        raise ValidationError({"decision": _("Choose the decision taken on this date.")})
    _check_stage_dates(
        proceeding,
        data["stage_type"],
        data.get("started_on"),
        data.get("ended_on"),
        decided_on,
        data.get("challenges"),
    )
    if decision == Decision.CONVICTION and not (data.get("verdict_unavailable_reason") or ""):
        # A stage is created before any document can be attached to it.
        raise ValidationError(
            {
                "decision": _(
                    "Record the stage first, attach the verdict, then record the conviction; "
                    "or say why the verdict is unavailable."
                )
            }
        )
    with transaction.atomic():
        stage = Stage.objects.create(
            proceeding=proceeding,
            stage_type=data["stage_type"],
            started_on=data["started_on"],
            ended_on=data.get("ended_on"),
            deciding_body=(data.get("deciding_body") or "").strip(),
            decision=decision,
            decided_on=decided_on,
            challenges=data.get("challenges"),
            summary=(data.get("summary") or "").strip(),
            verdict_unavailable_reason=(data.get("verdict_unavailable_reason") or "").strip(),
        )
        _audit(AuditEntry.Action.CREATE, membership, stage, request, proceeding=proceeding.pk)
        if stage.challenges_id:
            _meet_by_challenge(membership, stage, request)
        if decision:
            _deadline_for_decision(membership, stage, request)
    return stage


def _meet_by_challenge(membership, stage: Stage, request) -> None:
    """Filing the challenge is what the challenged decision's deadline asked for: it is
    met on the day the challenge started (a late filing shows as met after its due day)."""
    for deadline in stage.challenges.deadlines.filter(met_on__isnull=True):
        deadline.met_on = stage.started_on
        deadline.save(update_fields=["met_on"])
        _audit(AuditEntry.Action.CHANGE, membership, deadline, request, met=True, by_stage=stage.pk)


def record_decision(*, membership, stage: Stage, data: dict, request=None) -> Stage:
    """Record the decision that ends a stage. A conviction needs the verdict attached to
    the stage, or a reason why it is unavailable (the stage's checklist)."""
    _require(membership)
    _same_org(membership, stage.proceeding)
    if stage.decision:
        raise ValidationError(_("This stage already has its decision."))
    decision, decided_on = data.get("decision") or "", data.get("decided_on")
    if not decision:
        raise ValidationError({"decision": _("Choose the decision.")})
    if not decided_on:
        raise ValidationError({"decided_on": _("Give the date of the decision.")})
    _check_stage_dates(
        stage.proceeding,
        stage.stage_type,
        stage.started_on,
        data.get("ended_on"),
        decided_on,
        stage.challenges,
        exclude_pk=stage.pk,
    )
    reason = (data.get("verdict_unavailable_reason") or "").strip()
    if decision == Decision.CONVICTION and not reason:
        if not stage.documents.filter(kind=DocumentKind.VERDICT).exists():
            raise ValidationError(
                {
                    "verdict_unavailable_reason": _(
                        "A conviction needs the verdict attached to this stage, or the reason "
                        "it is unavailable."
                    )
                }
            )
    with transaction.atomic():
        # The check above read the page's copy; two lawyers submitting together both
        # pass it, so the row is locked and read again before the decision is written.
        current = Stage.objects.select_for_update().filter(pk=stage.pk).first()
        if current is None or current.decision:
            raise ValidationError(_("This stage already has its decision."))
        stage.decision = decision
        stage.decided_on = decided_on
        stage.ended_on = data.get("ended_on") or decided_on
        stage.deciding_body = (data.get("deciding_body") or stage.deciding_body).strip()
        if reason:
            stage.verdict_unavailable_reason = reason
        stage.save()
        _audit(AuditEntry.Action.CHANGE, membership, stage, request, decision=decision)
        _deadline_for_decision(membership, stage, request)
    return stage


def _deadline_for_decision(membership, stage: Stage, request) -> Deadline | None:
    code = RULE_FOR_DECISION.get(stage.decision)
    if stage.stage_type in CASSATION_AFTER and stage.decision in (
        Decision.UPHELD,
        Decision.REJECTED,
        Decision.CONVICTION,
        Decision.ACQUITTAL,
    ):
        code = "cassation"
    rule = DeadlineRule.objects.filter(code=code, active=True).first() if code else None
    if rule is None:
        return None
    return _create_deadline(membership, stage.proceeding, stage, rule, stage.decided_on, request)


def _create_deadline(membership, proceeding, stage, rule, counted_from, request) -> Deadline:
    deadline = Deadline.objects.create(
        proceeding=proceeding,
        stage=stage,
        rule=rule,
        counted_from=counted_from,
        due_on=due_date(counted_from, rule.days, rule.day_kind),
    )
    _audit(AuditEntry.Action.CREATE, membership, deadline, request, proceeding=proceeding.pk)
    return deadline


def add_deadline(*, membership, proceeding, rule, counted_from: date, stage=None,
                 request=None) -> Deadline:  # fmt: skip
    """A deadline by a rule from a date (a decision received later than it was taken)."""
    _require(membership)
    _same_org(membership, proceeding)
    if stage is not None and stage.proceeding_id != proceeding.pk:
        raise ValidationError({"stage": _("Choose a stage of this proceeding.")})
    check_past_events({"counted_from": counted_from})
    with transaction.atomic():
        return _create_deadline(membership, proceeding, stage, rule, counted_from, request)


def meet_deadline(*, membership, deadline: Deadline, met_on: date | None = None,
                  request=None) -> Deadline:  # fmt: skip
    """Mark a deadline as met (the complaint or appeal was filed). Once only: StaleEdit
    when it is met already (a colleague, or this page opened before), so the day they
    recorded is not replaced by today."""
    _require(membership)
    _same_org(membership, deadline.proceeding)
    met_on = met_on or timezone.localdate()
    check_past_events({"met_on": met_on})
    with transaction.atomic():
        current = Deadline.objects.select_for_update().filter(pk=deadline.pk).first()
        if current is None or current.met_on is not None:
            raise StaleEdit()
        deadline.met_on = met_on
        deadline.save(update_fields=["met_on"])
        _audit(AuditEntry.Action.CHANGE, membership, deadline, request, met=True)
    return deadline


# --- documents -------------------------------------------------------------------------


def attach_document(*, membership, stage: Stage, uploaded_file, kind: str,
                    request=None) -> StageDocument:  # fmt: skip
    """Keep a document of a stage, its bytes and name encrypted in the database."""
    _require(membership)
    _same_org(membership, stage.proceeding)
    if uploaded_file.size > MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB.")})
    data = uploaded_file.read()
    with transaction.atomic():
        document = StageDocument.objects.create(
            stage=stage,
            kind=kind,
            filename=(uploaded_file.name or "document")[:200],
            content_type=(uploaded_file.content_type or "application/octet-stream")[:120],
            size=len(data),
            content=encrypt_bytes(data),
            uploaded_by=membership.user,
        )
        _audit(AuditEntry.Action.CREATE, membership, document, request, stage=stage.pk)
    return document


def read_document(*, membership, document: StageDocument, request=None) -> bytes:
    """Decrypt a stage document for download; the download is audited."""
    _require(membership)
    _same_org(membership, document.stage.proceeding)
    data = decrypt_bytes(bytes(document.content))
    _audit(AuditEntry.Action.EXPORT, membership, document, request, stage=document.stage_id)
    return data


# --- defendants, charges, verdicts, sentences -------------------------------------------


def add_defendant(*, membership, proceeding, data: dict, request=None) -> Defendant:
    _require(membership)
    _same_org(membership, proceeding)
    if not (data.get("name") or "").strip():
        raise ValidationError({"name": _("Name or describe the defendant.")})
    check_past_events({"custody_verified_on": data.get("custody_verified_on")})
    with transaction.atomic():
        defendant = Defendant.objects.create(
            proceeding=proceeding,
            name=data["name"].strip(),
            public_official=bool(data.get("public_official")),
            custody_status=data.get("custody_status") or "unknown",
            custody_verified_on=data.get("custody_verified_on"),
        )
        if defendant.custody_status != "unknown" or defendant.custody_verified_on:
            CustodyChange.objects.create(
                defendant=defendant,
                custody_status=defendant.custody_status,
                verified_on=defendant.custody_verified_on,
                recorded_by=membership.user,
            )
        _audit(AuditEntry.Action.CREATE, membership, defendant, request, proceeding=proceeding.pk)
    return defendant


def update_custody(*, membership, defendant, custody_status: str, verified_on: date,
                   request=None) -> Defendant:  # fmt: skip
    """Record a custody status as verified on a day: a new dated line of the defendant's
    custody history. The current status is the one verified last, so a late entry of an
    older verification goes into the history without replacing a newer one."""
    _require(membership)
    _same_org(membership, defendant.proceeding)
    check_past_events({"custody_verified_on": verified_on})
    with transaction.atomic():
        CustodyChange.objects.create(
            defendant=defendant,
            custody_status=custody_status,
            verified_on=verified_on,
            recorded_by=membership.user,
        )
        current = defendant.custody_verified_on
        if current is None or verified_on is None or verified_on >= current:
            defendant.custody_status = custody_status
            defendant.custody_verified_on = verified_on or current
            defendant.save(update_fields=["custody_status", "custody_verified_on"])
        _audit(AuditEntry.Action.CHANGE, membership, defendant, request, custody=custody_status)
    return defendant


def find_article(*, edition: str, number: str) -> Article:
    """The active article of that edition and number; a ValidationError if unknown."""
    article = Article.objects.filter(
        edition=(edition or "").strip(), number=(number or "").strip(), active=True
    ).first()
    if article is None:
        raise ValidationError(
            {
                "article": _(
                    "There is no article %(number)s in the code of %(edition)s; check the "
                    "number and the edition."
                )
                % {"number": number, "edition": edition}
            }
        )
    return article


def add_charge(*, membership, defendant, article: Article, part: str = "", paragraph: str = "",
               charged_on=None, request=None) -> Charge:  # fmt: skip
    _require(membership)
    _same_org(membership, defendant.proceeding)
    if article is None or not article.active:
        raise ValidationError({"article": _("Choose an article of the criminal code.")})
    for name, value in (("part", part), ("paragraph", paragraph)):
        if value and not str(value).strip().isdigit():
            raise ValidationError({name: _("Give the number only, e.g. 2.")})
    check_past_events({"charged_on": charged_on})
    with transaction.atomic():
        charge = Charge.objects.create(
            defendant=defendant,
            article=article,
            part=str(part or "").strip(),
            paragraph=str(paragraph or "").strip(),
            charged_on=charged_on,
        )
        _audit(
            AuditEntry.Action.CREATE,
            membership,
            charge,
            request,
            proceeding=defendant.proceeding_id,
            article=article.code,
        )
    return charge


def check_sentence(data: dict) -> None:
    """Refuse a sentence that cannot be: negative, longer than thirty years, a fine
    without a currency."""
    problems = {}
    days = data.get("prison_days")
    if days is not None and (days < 0 or days > MAX_PRISON_DAYS):
        problems["prison_days"] = _(
            "A prison term is between 0 and %(days)d days (thirty years)."
        ) % {"days": MAX_PRISON_DAYS}
    probation = data.get("probation_days")
    if probation is not None and (probation < 0 or probation > MAX_PROBATION_DAYS):
        problems["probation_days"] = _("Probation is between 0 and %(days)d days.") % {
            "days": MAX_PROBATION_DAYS
        }
    fine = data.get("fine_amount")
    if fine is not None:
        if fine < 0 or fine > MAX_AMOUNT:
            problems["fine_amount"] = _("A fine is a positive amount below one billion.")
        elif not data.get("fine_currency"):
            problems["fine_currency"] = _("Choose the currency of the fine.")
    if data.get("suspended") and not days:
        problems["suspended"] = _("Only a prison term can be suspended; give its length.")
    if problems:
        raise ValidationError(problems)


def record_verdict(*, membership, charge: Charge, stage: Stage, outcome: str, decided_on: date,
                   ground: str = "", sentence: dict | None = None, request=None) -> Verdict:  # fmt: skip
    """The verdict on one charge, with the sentence of a conviction. A conviction is only
    recorded on a stage whose verdict is attached or marked unavailable with a reason."""
    _require(membership)
    proceeding = charge.defendant.proceeding
    _same_org(membership, proceeding)
    if stage.proceeding_id != proceeding.pk:
        raise ValidationError({"stage": _("Choose a stage of this proceeding.")})
    if hasattr(charge, "verdict"):
        raise ValidationError(_("This charge already has a verdict."))
    check_past_events({"decided_on": decided_on})
    if decided_on < stage.started_on:
        raise ValidationError(
            {"decided_on": _("The verdict cannot be dated before its stage started.")}
        )
    if outcome == VerdictOutcome.CONVICTION:
        has_verdict = stage.documents.filter(kind=DocumentKind.VERDICT).exists()
        if not has_verdict and not stage.verdict_unavailable_reason:
            raise ValidationError(
                {
                    "stage": _(
                        "Attach the verdict to the stage first, or record on the stage why "
                        "it is unavailable."
                    )
                }
            )
        if sentence:
            check_sentence(sentence)
    elif sentence and any(v not in (None, "", False) for v in sentence.values()):
        raise ValidationError({"outcome": _("Only a conviction carries a sentence.")})
    with transaction.atomic():
        # Two lawyers recording a verdict on the same charge at once: the second waits for
        # the first and is refused instead of failing on the one-verdict constraint.
        Charge.objects.select_for_update().filter(pk=charge.pk).first()
        if Verdict.objects.filter(charge_id=charge.pk).exists():
            raise ValidationError(_("This charge already has a verdict."))
        verdict = Verdict.objects.create(
            charge=charge,
            stage=stage,
            outcome=outcome,
            ground=(ground or "").strip()[:200],
            decided_on=decided_on,
        )
        if outcome == VerdictOutcome.CONVICTION and sentence:
            Sentence.objects.create(
                verdict=verdict,
                prison_days=sentence.get("prison_days"),
                suspended=bool(sentence.get("suspended")),
                fine_amount=sentence.get("fine_amount"),
                fine_currency=sentence.get("fine_currency") or "",
                probation_days=sentence.get("probation_days"),
            )
        _audit(
            AuditEntry.Action.CREATE,
            membership,
            verdict,
            request,
            proceeding=proceeding.pk,
            outcome=outcome,
        )
    return verdict


# --- hearings --------------------------------------------------------------------------


def schedule_hearing(*, membership, proceeding, data: dict, request=None) -> Hearing:
    """A hearing to come (planned) or one already held; a planned hearing in the past is
    refused: record it as held instead."""
    _require(membership)
    _same_org(membership, proceeding)
    starts_at: datetime = data["starts_at"]
    status = data.get("status") or HearingStatus.PLANNED
    if status == HearingStatus.PLANNED and starts_at < timezone.now():
        raise ValidationError(
            {"starts_at": _("A planned hearing cannot be in the past; record it as held.")}
        )
    if status == HearingStatus.PLANNED:
        check_due_dates({"starts_at": starts_at})
    else:
        check_past_events({"starts_at": starts_at})
    stage = data.get("stage")
    if stage is not None and stage.proceeding_id != proceeding.pk:
        raise ValidationError({"stage": _("Choose a stage of this proceeding.")})
    if not (data.get("court") or "").strip():
        raise ValidationError({"court": _("Name the court.")})
    _check_next(data.get("next_on"), starts_at)
    with transaction.atomic():
        hearing = Hearing.objects.create(
            proceeding=proceeding,
            stage=stage,
            starts_at=starts_at,
            court=data["court"].strip(),
            courtroom=(data.get("courtroom") or "").strip(),
            judge=(data.get("judge") or "").strip(),
            attendees=(data.get("attendees") or "").strip(),
            status=status,
            result=(data.get("result") or "").strip(),
            next_on=data.get("next_on"),
        )
        _audit(AuditEntry.Action.CREATE, membership, hearing, request, proceeding=proceeding.pk)
    return hearing


def _check_next(next_on, starts_at) -> None:
    if next_on and next_on <= timezone.localtime(starts_at).date():
        raise ValidationError({"next_on": _("The next hearing comes after this one.")})
    check_due_dates({"next_on": next_on})


def hearing_outcome_tag(hearing: Hearing) -> str:
    """A short tag of a hearing's status, result and next date as they are now. A form
    (or an API client) sends back the tag it was shown; a different one means someone
    changed the outcome since. No version column is needed for three fields."""
    next_on = hearing.next_on.isoformat() if hearing.next_on else ""
    seen = f"{hearing.status}|{hearing.result}|{next_on}"
    return hashlib.sha256(seen.encode()).hexdigest()[:16]


def record_hearing_result(*, membership, hearing: Hearing, status: str, result: str = "",
                          next_on=None, seen: str | None = None, request=None) -> Hearing:  # fmt: skip
    """Record or correct a hearing's status, result and next date. `seen` is
    hearing_outcome_tag() of the hearing as the form showed it: if a colleague changed
    the outcome since, StaleEdit is raised rather than overwriting theirs (None skips the
    check, for API clients that send no tag)."""
    _require(membership)
    _same_org(membership, hearing.proceeding)
    if status == HearingStatus.HELD and hearing.starts_at > timezone.now():
        raise ValidationError({"status": _("A hearing still to come cannot have been held.")})
    _check_next(next_on, hearing.starts_at)
    with transaction.atomic():
        current = Hearing.objects.select_for_update().filter(pk=hearing.pk).first()
        if current is None or (seen and seen != hearing_outcome_tag(current)):
            raise StaleEdit()
        hearing.status = status
        hearing.result = (result or "").strip()
        hearing.next_on = next_on
        hearing.save(update_fields=["status", "result", "next_on"])
        _audit(AuditEntry.Action.CHANGE, membership, hearing, request, status=status)
    return hearing


# --- victims and witnesses ---------------------------------------------------------------


def add_participant(*, membership, proceeding, data: dict, request=None) -> Participant:
    """A victim or witness: a person of the organisation, or a name kept encrypted."""
    _require(membership)
    _same_org(membership, proceeding)
    person = data.get("person")
    if person is not None and person.organization_id != membership.organization_id:
        raise ValidationError({"person": _("This person belongs to another organisation.")})
    if person is None and not (data.get("name") or "").strip():
        raise ValidationError({"name": _("Give a person's code or a name.")})
    with transaction.atomic():
        participant = Participant.objects.create(
            proceeding=proceeding,
            person=person,
            name=(data.get("name") or "").strip(),
            role=data["role"],
        )
        _audit(AuditEntry.Action.CREATE, membership, participant, request, proceeding=proceeding.pk)
    return participant


def record_contact_attempt(*, membership, participant, data: dict, request=None) -> ContactAttempt:
    """An attempt to reach a victim or witness (before a hearing, usually)."""
    _require(membership)
    _same_org(membership, participant.proceeding)
    check_past_events({"tried_on": data.get("tried_on")})
    hearing = data.get("hearing")
    if hearing is not None and hearing.proceeding_id != participant.proceeding_id:
        raise ValidationError({"hearing": _("Choose a hearing of this proceeding.")})
    with transaction.atomic():
        attempt = ContactAttempt.objects.create(
            participant=participant,
            hearing=hearing,
            tried_on=data["tried_on"],
            channel=data["channel"],
            reached=bool(data.get("reached")),
        )
        _audit(AuditEntry.Action.CREATE, membership, attempt, request, participant=participant.pk)
    return attempt


def stop_participation(*, membership, participant, stopped_on: date, request=None) -> Participant:
    """The victim or witness no longer takes part (withdrew, unreachable, left). Once
    only: StaleEdit when a colleague recorded it already, so their day is kept."""
    _require(membership)
    _same_org(membership, participant.proceeding)
    check_past_events({"stopped_on": stopped_on})
    with transaction.atomic():
        current = Participant.objects.select_for_update().filter(pk=participant.pk).first()
        if current is None or not current.takes_part:
            raise StaleEdit()
        participant.takes_part = False
        participant.stopped_on = stopped_on
        participant.save(update_fields=["takes_part", "stopped_on"])
        _audit(AuditEntry.Action.CHANGE, membership, participant, request, takes_part=False)
    return participant


# --- protection, compensation, timeline -------------------------------------------------


def request_protection(*, membership, proceeding, measure: str, requested_on: date,
                       request=None) -> ProtectionRequest:  # fmt: skip
    _require(membership)
    _same_org(membership, proceeding)
    check_past_events({"requested_on": requested_on})
    with transaction.atomic():
        item = ProtectionRequest.objects.create(
            proceeding=proceeding, measure=measure, requested_on=requested_on
        )
        _audit(AuditEntry.Action.CREATE, membership, item, request, proceeding=proceeding.pk)
    return item


def decide_protection(*, membership, item: ProtectionRequest, status: str, decided_by: str,
                      decided_on: date, request=None) -> ProtectionRequest:  # fmt: skip
    """Record whether a protective measure was granted or refused. Once only: StaleEdit
    when the request is decided already (a colleague submitted first, or this form was
    opened before), so the decision they recorded is never replaced silently."""
    _require(membership)
    _same_org(membership, item.proceeding)
    if status not in (ProtectionStatus.GRANTED, ProtectionStatus.REFUSED):
        raise ValidationError({"status": _("Choose granted or refused.")})
    check_past_events({"decided_on": decided_on})
    if decided_on < item.requested_on:
        raise ValidationError({"decided_on": _("The decision cannot precede the request.")})
    with transaction.atomic():
        current = ProtectionRequest.objects.select_for_update().filter(pk=item.pk).first()
        if current is None or current.status != ProtectionStatus.REQUESTED:
            raise StaleEdit()
        item.status, item.decided_by, item.decided_on = status, decided_by.strip(), decided_on
        item.save(update_fields=["status", "decided_by", "decided_on"])
        _audit(AuditEntry.Action.CHANGE, membership, item, request, status=status)
    return item


def record_compensation(*, membership, proceeding, data: dict, request=None) -> Compensation:
    _require(membership)
    _same_org(membership, proceeding)
    amount = data.get("amount")
    if amount is None or amount < 0 or amount > MAX_AMOUNT:
        raise ValidationError({"amount": _("An amount is positive and below one billion.")})
    check_past_events({"on": data.get("on")})
    with transaction.atomic():
        item = Compensation.objects.create(
            proceeding=proceeding,
            event=data["event"],
            amount=amount,
            currency=data["currency"],
            on=data["on"],
        )
        _audit(AuditEntry.Action.CREATE, membership, item, request, proceeding=proceeding.pk)
    return item


def add_timeline_entry(*, membership, proceeding, happened_on: date, text: str, corrects=None,
                       request=None) -> TimelineEntry:  # fmt: skip
    """Append a line to the proceeding's timeline; a correction points at the entry it
    corrects, which stays as it was."""
    _require(membership)
    _same_org(membership, proceeding)
    if not (text or "").strip():
        raise ValidationError({"text": _("Write what happened.")})
    if corrects is not None and corrects.proceeding_id != proceeding.pk:
        raise ValidationError({"corrects": _("Choose an entry of this proceeding.")})
    check_past_events({"happened_on": happened_on})
    with transaction.atomic():
        entry = TimelineEntry.objects.create(
            proceeding=proceeding,
            happened_on=happened_on,
            text=text.strip(),
            corrects=corrects,
            author=membership.user,
        )
        _audit(AuditEntry.Action.CREATE, membership, entry, request, proceeding=proceeding.pk)
    return entry


# --- calendar feed and settings ---------------------------------------------------------


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_calendar_feed(*, membership, request=None) -> str:
    """A new private calendar address for the member; older ones stop working. Only its
    hash is kept: the token is shown once."""
    _require(membership)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        revoke_calendar_feeds(membership=membership, request=request)
        feed = CalendarFeed.objects.create(membership=membership, token_hash=feed_token_hash(token))
        _audit(AuditEntry.Action.CREATE, membership, feed, request)
    return token


def revoke_calendar_feeds(*, membership, request=None) -> int:
    """Stop every calendar address of the member."""
    _require(membership)
    with transaction.atomic():
        n = CalendarFeed.objects.filter(membership=membership, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if n:
            audit.record(
                AuditEntry.Action.CHANGE,
                user=membership.user,
                organization=membership.organization,
                target_type="calendarfeed",
                detail={"revoked": n},
                request=request,
            )
    return n


def save_legal_settings(*, membership, feed_shows_client_names: bool, request=None):
    require(membership, Permission.MANAGE_ORGANIZATION)
    with transaction.atomic():
        settings_, _created = LegalSettings.objects.get_or_create(
            organization=membership.organization
        )
        settings_.feed_shows_client_names = bool(feed_shows_client_names)
        settings_.save()
        _audit(
            AuditEntry.Action.CHANGE,
            membership,
            settings_,
            request,
            feed_shows_client_names=settings_.feed_shows_client_names,
        )
    return settings_


def record_look(*, membership, records, request=None, target_type: str = "") -> None:
    """Every page and API read of legal records leaves an audit entry with their ids."""
    audit.shown(membership, records, target_type=target_type, request=request)


# A feed is fetched by calendars unattended: keep its reads audited but not per hearing.
FEED_HORIZON = timedelta(days=400)
