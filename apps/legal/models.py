"""Legal aid and proceedings: consultations, proceedings with their stages and appeal
chain, charges, verdicts and sentences, hearings, deadlines, protection requests,
compensation, an append-only timeline and encrypted stage documents.

Identifying text (questions and advice, defendants' names, summaries, attendees,
documents) is encrypted at rest; what the national report counts (areas, kinds,
stages, articles, outcomes, sentence lengths, flags) stays in clear columns.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from apps.core.fields import EncryptedTextField

# --- reference data --------------------------------------------------------------------


class CodeEdition(models.TextChoices):
    # The Criminal Code of 2016 (in force 2019-2021) and the code in force since 2021.
    CODE_2016 = "2016", _("Criminal Code of 2016")
    CURRENT = "2021", _("Criminal Code in force (2021)")


class Article(models.Model):
    """A criminal-code article in one edition of the code; reference data, labelled in
    the three languages (loaded by a migration, admins may add more)."""

    edition = models.CharField(_("edition of the code"), max_length=8, choices=CodeEdition.choices)
    number = models.CharField(_("article"), max_length=12)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_ky = models.CharField(_("title (Kyrgyz)"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("criminal-code article")
        verbose_name_plural = _("criminal-code articles")
        ordering = ["-edition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="unique_article_edition")
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def code(self) -> str:
        """The code the statistics and the API use: "2021:166"."""
        return f"{self.edition}:{self.number}"

    @property
    def title(self) -> str:
        lang = (get_language() or "en")[:2]
        return getattr(self, f"title_{lang}", None) or self.title_en


class DayKind(models.TextChoices):
    CALENDAR = "calendar", _("calendar days")
    WORKING = "working", _("working days")


class DeadlineRule(models.Model):
    """How long one may take to challenge a decision: reference data (days, calendar or
    working, counted from which event), to be confirmed by the organisation's lawyers."""

    class FromEvent(models.TextChoices):
        DECISION = "decision", _("the day of the decision")
        RECEIPT = "receipt", _("the day the decision was received")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=200)
    days = models.PositiveSmallIntegerField(_("days"))
    day_kind = models.CharField(_("counted in"), max_length=10, choices=DayKind.choices)
    from_event = models.CharField(
        _("counted from"), max_length=10, choices=FromEvent.choices, default=FromEvent.DECISION
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        lang = (get_language() or "en")[:2]
        return getattr(self, f"name_{lang}", None) or self.name_en


class LegalSettings(models.Model):
    """An organisation's choices for its legal work."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="legal_settings"
    )
    feed_shows_client_names = models.BooleanField(
        _("calendar feeds show client names"),
        default=False,
        help_text=_(
            "A calendar feed leaves the phone's or computer's protection: without this, "
            "hearings are named by their case reference only."
        ),
    )

    class Meta:
        verbose_name = _("legal settings")
        verbose_name_plural = _("legal settings")


# --- consultations ---------------------------------------------------------------------


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    PHONE = "phone", _("phone")
    MESSENGER = "messenger", _("messenger")
    EMAIL = "email", _("e-mail")
    OUTREACH = "outreach", _("mobile or outreach clinic")


class LegalArea(models.TextChoices):
    CRIMINAL_DEFENCE = "criminal_defence", _("criminal defence")
    VICTIM_REPRESENTATION = "victim_representation", _("victim representation")
    LABOUR_ABROAD = "labour_abroad", _("labour rights abroad")
    DOCUMENTS = "documents", _("documents and citizenship")
    FAMILY = "family", _("family and domestic violence")
    TORTURE = "torture", _("torture and ill-treatment")
    HOUSING = "housing", _("housing")
    OTHER = "other", pgettext_lazy("legal area", "other")


class ConsultationOutcome(models.TextChoices):
    ADVICE = "advice", _("advice only")
    DOCUMENT = "document", _("document drafted")
    REPRESENTATION = "representation", _("representation opened")
    REFERRED = "referred", _("referred")


class AgeBand(models.TextChoices):
    CHILD = "0-17", _("under 18")
    YOUNG = "18-29", "18–29"
    ADULT = "30-49", "30–49"
    OLDER = "50+", _("50 and over")
    UNKNOWN = "unknown", pgettext_lazy("age band", "unknown")


class Consultation(models.Model):
    """One piece of legal advice given: the bulk of legal aid. The client is a person
    of the organisation, or anonymous with sex, age band and region only."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lawyer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    given_on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("client"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sex = models.CharField(_("sex"), max_length=1, blank=True)
    age_band = models.CharField(
        _("age band"), max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN
    )
    region = models.CharField(_("region"), max_length=40, blank=True)
    legal_area = models.CharField(_("legal area"), max_length=30, choices=LegalArea.choices)
    question = EncryptedTextField(_("question"))
    advice = EncryptedTextField(_("advice given"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ConsultationOutcome.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["organization", "-given_on"])]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"LC-{self.pk:06d}"


# --- proceedings -----------------------------------------------------------------------


class ProceedingKind(models.TextChoices):
    CRIMINAL = "criminal", _("criminal")
    CIVIL = "civil", _("civil claim for compensation")
    ADMINISTRATIVE = "administrative", _("administrative")
    UN_TREATY_BODY = "un_treaty_body", _("complaint to a UN treaty body")


class ClientRole(models.TextChoices):
    VICTIM = "victim", _("victim")
    CIVIL_PLAINTIFF = "civil_plaintiff", _("civil plaintiff")
    WITNESS = "witness", _("witness")
    COMPLAINANT = "complainant", _("complainant")
    SUSPECT = "suspect", _("suspect")
    DEFENDANT = "defendant", _("defendant")
    CONVICTED = "convicted", _("convicted person")


class Proceeding(models.Model):
    """One proceeding of a case (a case may have several: criminal, civil, ...)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="proceedings")
    kind = models.CharField(_("kind"), max_length=20, choices=ProceedingKind.choices)
    client_role = models.CharField(
        _("client's procedural role"), max_length=20, choices=ClientRole.choices
    )
    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lawyer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_proceedings",
    )
    # The number the authorities gave; it can lead to the person, so encrypted.
    official_number = EncryptedTextField(_("official case number"), blank=True)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    child_victim = models.BooleanField(_("child victim"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("proceeding")
        verbose_name_plural = _("proceedings")
        ordering = ["-opened_on", "-id"]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"LP-{self.pk:06d}"


class StageType(models.TextChoices):
    COMPLAINT = "complaint", _("complaint or report")
    PRE_CHECK = "pre_check", _("pre-investigation check")
    OPENING_DECISION = "opening_decision", _("decision to open or refuse a criminal case")
    INVESTIGATION = "investigation", _("investigation")
    INDICTMENT = "indictment", _("indictment")
    FIRST_INSTANCE = "first_instance", _("first-instance trial")
    APPEAL = "appeal", _("appeal")
    CASSATION = "cassation", _("cassation or supervisory review")
    ENFORCEMENT = "enforcement", _("enforcement")
    CHALLENGE = "challenge", _("complaint against a refusal or termination")


# Stages that challenge an earlier decision: they name the stage whose decision they
# appeal, so the chain can be followed.
CHALLENGING_STAGES = {StageType.APPEAL, StageType.CASSATION, StageType.CHALLENGE}


class Decision(models.TextChoices):
    CASE_OPENED = "case_opened", _("criminal case opened")
    REFUSED = "refused", _("refused to open a case")
    TERMINATED = "terminated", _("terminated")
    SENT_TO_COURT = "sent_to_court", _("sent to court")
    UPHELD = "upheld", _("complaint upheld")
    REJECTED = "rejected", _("complaint rejected")
    CONVICTION = "conviction", _("conviction")
    ACQUITTAL = "acquittal", _("acquittal")
    CLAIM_GRANTED = "claim_granted", _("claim granted")
    CLAIM_DISMISSED = "claim_dismissed", _("claim dismissed")
    OTHER = "other", pgettext_lazy("decision", "other")


class Stage(models.Model):
    """A dated step of a proceeding with its deciding body and decision. An appeal, a
    cassation or a complaint against a refusal points at the stage it challenges."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="stages")
    stage_type = models.CharField(_("stage"), max_length=20, choices=StageType.choices)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    deciding_body = models.CharField(_("deciding body"), max_length=200, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    challenges = models.ForeignKey(
        "self",
        verbose_name=_("challenges the decision of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="challenged_by",
    )
    summary = EncryptedTextField(_("summary"), blank=True)
    # The checklist: a conviction needs the verdict attached, or a reason it cannot be.
    verdict_unavailable_reason = EncryptedTextField(
        _("why the verdict document is not attached"), blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["started_on", "id"]
        indexes = [models.Index(fields=["stage_type", "started_on"])]

    def __str__(self):
        return f"{self.get_stage_type_display()} ({self.started_on})"


class DocumentKind(models.TextChoices):
    VERDICT = "verdict", _("verdict or judgment")
    DECISION = "decision", _("decision")
    COMPLAINT = "complaint", _("complaint or appeal")
    OTHER = "other", pgettext_lazy("document kind", "other")


class StageDocument(models.Model):
    """A document of a stage; its name and its bytes are encrypted in the database."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    filename = EncryptedTextField(_("file name"))
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    content = models.BinaryField()  # Fernet token of the file's bytes
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("stage document")
        verbose_name_plural = _("stage documents")
        ordering = ["uploaded_at", "id"]


class CustodyStatus(models.TextChoices):
    AT_LARGE = "at_large", _("at large")
    DETAINED = "detained", _("detained")
    HOUSE_ARREST = "house_arrest", _("house arrest")
    BAIL = "bail", _("on bail or undertaking")
    WANTED = "wanted", _("wanted")
    SERVING = "serving", _("serving a sentence")
    UNKNOWN = "unknown", pgettext_lazy("custody", "unknown")


class Defendant(models.Model):
    """A suspect or defendant of a proceeding, named only in encrypted text."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="defendants")
    name = EncryptedTextField(_("name or description"))
    public_official = models.BooleanField(_("public official"), default=False)
    custody_status = models.CharField(
        _("custody status"),
        max_length=20,
        choices=CustodyStatus.choices,
        default=CustodyStatus.UNKNOWN,
    )
    custody_verified_on = models.DateField(_("custody verified on"), null=True, blank=True)

    class Meta:
        verbose_name = _("defendant")
        verbose_name_plural = _("defendants")
        ordering = ["id"]

    @property
    def reference(self) -> str:
        return f"D{self.pk}"


class CustodyChange(models.Model):
    """One dated custody status of a defendant, as verified. The defendant's own
    `custody_status` is the one verified last; these rows keep how it changed."""

    defendant = models.ForeignKey(
        Defendant, on_delete=models.CASCADE, related_name="custody_history"
    )
    custody_status = models.CharField(
        _("custody status"), max_length=20, choices=CustodyStatus.choices
    )
    verified_on = models.DateField(_("custody verified on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("custody status change")
        verbose_name_plural = _("custody status history")
        ordering = ["verified_on", "recorded_at", "id"]


class Charge(models.Model):
    """A charge against a defendant under an article (part, paragraph) of an edition."""

    defendant = models.ForeignKey(Defendant, on_delete=models.CASCADE, related_name="charges")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="+")
    part = models.CharField(_("part"), max_length=8, blank=True)
    paragraph = models.CharField(_("paragraph"), max_length=8, blank=True)
    charged_on = models.DateField(_("charged on"), null=True, blank=True)

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["id"]

    @property
    def label(self) -> str:
        """ "art. 166 part 2 para. 1 (2021)" in the reader's language."""
        words = [gettext("art. %(number)s") % {"number": self.article.number}]
        if self.part:
            words.append(gettext("part %(part)s") % {"part": self.part})
        if self.paragraph:
            words.append(gettext("para. %(paragraph)s") % {"paragraph": self.paragraph})
        return " ".join(words) + f" ({self.article.edition})"


class VerdictOutcome(models.TextChoices):
    CONVICTION = "conviction", _("conviction")
    ACQUITTAL = "acquittal", _("acquittal")
    DISMISSAL = "dismissal", _("dismissal")


class Verdict(models.Model):
    charge = models.OneToOneField(Charge, on_delete=models.CASCADE, related_name="verdict")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="verdicts")
    outcome = models.CharField(_("outcome"), max_length=20, choices=VerdictOutcome.choices)
    ground = models.CharField(_("ground"), max_length=200, blank=True)
    decided_on = models.DateField(_("decided on"))

    class Meta:
        verbose_name = _("verdict")
        verbose_name_plural = _("verdicts")


class Currency(models.TextChoices):
    KGS = "KGS", _("som (KGS)")
    RUB = "RUB", _("rouble (RUB)")
    KZT = "KZT", _("tenge (KZT)")
    USD = "USD", _("US dollar (USD)")
    EUR = "EUR", _("euro (EUR)")


class Sentence(models.Model):
    verdict = models.OneToOneField(Verdict, on_delete=models.CASCADE, related_name="sentence")
    prison_days = models.PositiveIntegerField(_("prison term (days)"), null=True, blank=True)
    suspended = models.BooleanField(_("suspended"), default=False)
    fine_amount = models.DecimalField(
        _("fine"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    fine_currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, blank=True
    )
    probation_days = models.PositiveIntegerField(_("probation (days)"), null=True, blank=True)

    class Meta:
        verbose_name = _("sentence")
        verbose_name_plural = _("sentences")


class HearingStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    POSTPONED = "postponed", _("postponed")
    CANCELLED = "cancelled", _("cancelled")


class Hearing(models.Model):
    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="hearings")
    stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="hearings"
    )
    starts_at = models.DateTimeField(_("date and time"))
    court = models.CharField(_("court"), max_length=200)
    courtroom = models.CharField(_("courtroom"), max_length=40, blank=True)
    judge = models.CharField(_("judge"), max_length=200, blank=True)
    attendees = EncryptedTextField(_("who attends"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=HearingStatus.choices, default=HearingStatus.PLANNED
    )
    result = EncryptedTextField(_("result"), blank=True)
    next_on = models.DateField(_("next hearing on"), null=True, blank=True)

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["starts_at"])]


class Deadline(models.Model):
    """A procedural deadline computed from a decision's date by a rule."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="deadlines")
    stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.CASCADE, related_name="deadlines"
    )
    rule = models.ForeignKey(DeadlineRule, on_delete=models.PROTECT, related_name="+")
    counted_from = models.DateField(_("counted from"))
    due_on = models.DateField(_("due on"))
    met_on = models.DateField(_("met on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["met_on", "due_on"])]

    def days_left(self, today=None) -> int:
        return (self.due_on - (today or timezone.localdate())).days

    @property
    def warning(self) -> str:
        """ "missed", "2" (two days or less), "7" (a week or less) or "" for open deadlines."""
        if self.met_on:
            return ""
        left = self.days_left()
        if left < 0:
            return "missed"
        if left <= 2:
            return "2"
        if left <= 7:
            return "7"
        return ""


class Participant(models.Model):
    """A victim or witness in a proceeding: their procedural role, whether they still
    take part, and the attempts to reach them before hearings."""

    proceeding = models.ForeignKey(
        Proceeding, on_delete=models.CASCADE, related_name="participants"
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = EncryptedTextField(_("name or description"), blank=True)
    role = models.CharField(_("procedural role"), max_length=20, choices=ClientRole.choices)
    takes_part = models.BooleanField(_("still takes part"), default=True)
    stopped_on = models.DateField(_("stopped taking part on"), null=True, blank=True)

    class Meta:
        verbose_name = _("victim or witness")
        verbose_name_plural = _("victims and witnesses")
        ordering = ["id"]


class ContactAttempt(models.Model):
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="contact_attempts"
    )
    hearing = models.ForeignKey(
        "Hearing", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tried_on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    reached = models.BooleanField(_("reached"), default=False)

    class Meta:
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")
        ordering = ["tried_on", "id"]


class ProtectionMeasure(models.TextChoices):
    WITNESS_PROTECTION = "witness_protection", _("witness protection")
    CLOSED_HEARING = "closed_hearing", _("closed hearing")
    NO_CONFRONTATION = "no_confrontation", _("testimony without facing the defendant")
    INTERPRETER = "interpreter", _("interpreter")
    CHILD_INTERVIEW = "child_interview", _("child-sensitive interview")


class ProtectionStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    GRANTED = "granted", _("granted")
    REFUSED = "refused", _("refused")


class ProtectionRequest(models.Model):
    proceeding = models.ForeignKey(
        Proceeding, on_delete=models.CASCADE, related_name="protection_requests"
    )
    measure = models.CharField(_("measure"), max_length=30, choices=ProtectionMeasure.choices)
    requested_on = models.DateField(_("requested on"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProtectionStatus.choices,
        default=ProtectionStatus.REQUESTED,
    )
    decided_by = models.CharField(_("decided by"), max_length=200, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    class Meta:
        verbose_name = _("protection request")
        verbose_name_plural = _("protection requests")
        ordering = ["requested_on", "id"]


class CompensationEvent(models.TextChoices):
    CLAIMED = "claimed", _("claimed")
    AWARDED = "awarded", _("awarded")
    ENFORCED = "enforced", _("enforcement started")
    PAID = "paid", _("paid")


class Compensation(models.Model):
    proceeding = models.ForeignKey(
        Proceeding, on_delete=models.CASCADE, related_name="compensations"
    )
    event = models.CharField(_("event"), max_length=20, choices=CompensationEvent.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    on = models.DateField(_("date"))

    class Meta:
        verbose_name = _("compensation")
        verbose_name_plural = _("compensation")
        ordering = ["on", "id"]


class TimelineEntry(models.Model):
    """An append-only line of a proceeding's timeline; a correction is a new entry that
    points at the one it corrects."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="timeline")
    happened_on = models.DateField(_("date"))
    text = EncryptedTextField(_("what happened"))
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["happened_on", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Timeline entries are append-only; add a correction instead")
        super().save(*args, **kwargs)


class CalendarFeed(models.Model):
    """A lawyer's private calendar address; only the token's hash is kept."""

    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
