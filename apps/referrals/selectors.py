"""Scoped reads of the directory, referrals and notifications.

The receiving organisation never gets the Person: `shared_view` builds a dict from
the consented fields only, and `received_referral_for` checks the consent on every read."""

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Organization
from apps.accounts.roles import Permission
from apps.assistance.models import ServiceType
from apps.assistance.selectors import shelter_beds
from apps.core.selectors import reference_labels
from apps.referrals.models import (
    RECEIVER_READABLE,
    REFERRAL_TEXT_FIELDS,
    ConsentTerms,
    DirectoryEntry,
    Notification,
    Referral,
    ReferralStatus,
    SharedField,
    SpecialNeed,
    Urgency,
    need_choices,
)

PERSON_FIELDS = (
    "family_name",
    "given_name",
    "patronymic",
    "sex",
    "citizenship",
    "birth_date",
    "phones",
    "document_numbers",
    "address",
    "languages",
)
CASE_FIELDS = (
    "case_type",
    "exploitation",
    "countries_of_exploitation",
    "recruitment_channel",
    "means_of_control",
)


def directory_entries(*, q: str = "", service: str = "", region: str = ""):
    """Directory entries, searchable by text, service type and region served. Pass the
    rows through `with_beds_free` before showing them."""
    qs = DirectoryEntry.objects.prefetch_related("services").select_related("organization")
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(description_en__icontains=q)
            | Q(description_ru__icontains=q)
            | Q(description_ky__icontains=q)
            | Q(city__icontains=q)
            | Q(organization__name__icontains=q)
        )
    if service:
        qs = qs.filter(services__service_type=service)
    if region:
        # JSON containment is not portable to SQLite; filter the (small) directory in Python.
        ids = [pk for pk, regions in qs.values_list("pk", "regions") if region in (regions or [])]
        qs = qs.filter(pk__in=ids)
    return qs.distinct().order_by("name", "id")


def is_member_shelter(entry: DirectoryEntry) -> bool:
    return (
        entry.organization_id is not None and entry.organization.type == Organization.Type.SHELTER
    )


def with_beds_free(entries) -> list[DirectoryEntry]:
    """The entries (with services prefetched and organisation selected), each with
    `beds_free`: a member shelter's free beds from its stays and capacity (the occupancy
    rule of apps.assistance), a public entry's typed value; None when unknown. Each
    service row gets `beds_free_shown` (on the shelter row only). Two queries at most."""
    entries = list(entries)
    computed = shelter_beds({e.organization_id for e in entries if is_member_shelter(e)})
    for entry in entries:
        rows = list(entry.services.all())
        if is_member_shelter(entry):
            entry.beds_free = computed[entry.organization_id]["free"]
        else:
            entry.beds_free = next(
                (s.beds_free for s in rows if s.service_type == ServiceType.SHELTER), None
            )
        for row in rows:
            row.beds_free_shown = (
                entry.beds_free if row.service_type == ServiceType.SHELTER else None
            )
    return entries


def own_directory_entry(membership) -> DirectoryEntry | None:
    """The directory entry of the member's organisation, or None if it has none yet."""
    if membership is None:
        return None
    return (
        DirectoryEntry.objects.filter(organization_id=membership.organization_id)
        .order_by("id")
        .first()
    )


def directory_entry_to_edit(membership, entry_id) -> DirectoryEntry:
    """An entry of the member's own organisation, or 404 (another organisation's entry
    and public entries are not edited here). The caller checks MANAGE_ORGANIZATION."""
    if membership is None:
        raise Http404
    try:
        return DirectoryEntry.objects.prefetch_related("services").get(
            pk=int(entry_id), organization_id=membership.organization_id
        )
    except (DirectoryEntry.DoesNotExist, ValueError, TypeError):
        raise Http404


def listed_services(*, organization=None, entry=None) -> set[str] | None:
    """Service types the recipient's directory entries list; None if it has no entry."""
    if entry is not None:
        entries = DirectoryEntry.objects.filter(pk=entry.pk)
    else:
        entries = DirectoryEntry.objects.filter(organization=organization)
    if not entries.exists():
        return None
    return set(entries.values_list("services__service_type", flat=True)) - {None}


def _can_view(membership) -> bool:
    return membership is not None and membership.can(Permission.VIEW_CASES)


def referrals_sent(membership):
    if not _can_view(membership):
        return Referral.objects.none()
    return Referral.objects.filter(from_organization_id=membership.organization_id).select_related(
        "to_organization", "to_entry", "case"
    )


def referrals_received(membership):
    """Referrals to the member's organisation (the inbox shows no personal data). The
    consent comes in the same query, so that `receiver_may_read(r, reload=False)` costs
    nothing per row."""
    if not _can_view(membership):
        return Referral.objects.none()
    return Referral.objects.filter(to_organization_id=membership.organization_id).select_related(
        "from_organization", "consent"
    )


def sent_referral_for(membership, referral_id) -> Referral:
    try:
        return (
            referrals_sent(membership)
            .select_related("case__person", "consent")
            .get(pk=int(referral_id))
        )
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404


def received_referral_for(membership, referral_id, *, readable: bool = True) -> Referral:
    """A referral to the member's organisation. With `readable`, only after acceptance and
    while its consent is in force: otherwise 404, as if it did not exist."""
    try:
        referral = referrals_received(membership).get(pk=int(referral_id))
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404
    if readable and not receiver_may_read(referral):
        raise Http404
    return referral


# A referral that was declined or cancelled sends nothing any more.
CLOSED_STATUSES = (ReferralStatus.DECLINED, ReferralStatus.CANCELLED)


def sender_share_refusal(referral: Referral) -> str:
    """Why the sending organisation may not pass this referral's data on now (a printed
    form, an HTCDS file), or "" when it may: the consent, read fresh, must be in force
    and the referral neither declined nor cancelled. Acceptance is not needed: referrals
    to organisations outside Koldoo are never accepted in Koldoo."""
    referral.consent.refresh_from_db(fields=["withdrawn_on", "valid_until"])
    if not referral.consent.in_force:
        return _(
            "The person's consent to this referral is no longer in force, so their data "
            "cannot be exported."
        )
    if referral.status in CLOSED_STATUSES:
        return _("This referral was declined or cancelled; its data cannot be exported.")
    return ""


def receiver_may_read(referral: Referral, *, reload: bool = True) -> bool:
    """Accepted and consent in force. `reload` re-reads the consent first; pass False only
    when the consent was loaded with the referral in this request (a list)."""
    if reload:
        referral.consent.refresh_from_db(fields=["withdrawn_on", "valid_until"])
    return referral.status in RECEIVER_READABLE and referral.consent.in_force


def shared_view(referral: Referral) -> dict:
    """Only the consented fields of the person and case, as plain values; the referral's
    free texts (needs, purpose, reason) too, each only where the consent includes it.
    The one rule for what leaves the sender: the receiver's page and API, the printed
    form and the HTCDS export all show this and nothing more."""
    allowed = [f for f in SharedField.values if f in (referral.shared_fields or [])]
    if not allowed:
        return {}
    case = referral.case
    person = case.person
    out: dict = {}
    for name in allowed:
        if name in PERSON_FIELDS:
            out[name] = getattr(person, name)
        elif name in CASE_FIELDS:
            out[name] = getattr(case, name)
        elif name in REFERRAL_TEXT_FIELDS:
            out[name] = getattr(referral, name)
    return out


def shared_rows(referral: Referral, data: dict) -> list[tuple[str, str]]:
    """(label, text) rows of a shared view, for the page and the printed form."""
    from apps.people.models import Sex

    labels = dict(SharedField.choices)
    countries = reference_labels("country")
    exploitation = reference_labels("exploitation")
    case_types = reference_labels("case_type")
    languages = reference_labels("language")
    channels = reference_labels("recruitment_channel")
    controls = reference_labels("means_of_control")
    sexes = dict(Sex.choices)
    rows = []
    for name, value in data.items():
        if name == "sex":
            text = str(sexes.get(value, value))
        elif name == "case_type":
            text = str(case_types.get(value, value))
        elif name == "exploitation":
            text = ", ".join(str(exploitation.get(v, v)) for v in value or [])
        elif name == "countries_of_exploitation":
            text = ", ".join(str(countries.get(v, v)) for v in value or [])
        elif name == "citizenship":
            text = str(countries.get(value, value or ""))
        elif name == "recruitment_channel":
            text = str(channels.get(value, value or ""))
        elif name == "means_of_control":
            text = ", ".join(str(controls.get(v, v)) for v in value or [])
        elif name == "languages":
            text = ", ".join(str(languages.get(v, v)) for v in value or [])
        elif isinstance(value, list | tuple):
            text = ", ".join(str(v) for v in value)
        else:
            text = str(value or "")
        rows.append((str(labels[name]), text or "—"))
    return rows


def notifications_of(membership):
    if not _can_view(membership):
        return Notification.objects.none()
    return Notification.objects.filter(organization_id=membership.organization_id)


def unread_count(membership) -> int:
    return notifications_of(membership).filter(read_at__isnull=True).count()


def open_statuses():
    return (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)


# --- before accepting: a summary without identity ---------------------------------

# Bands wide enough that no one is picked out, narrow enough for a shelter for women
# and children to decide (a child under 14, a teenager, an adult).
AGE_BANDS = ((0, "0–5"), (6, "6–13"), (14, "14–17"), (18, "18–24"), (25, "25–34"),
             (35, "35–49"), (50, "50+"))  # fmt: skip


def _band(age: int) -> str:
    label = AGE_BANDS[0][1]
    for lower, text in AGE_BANDS:
        if age >= lower:
            label = text
    return label


def age_band(person, on=None) -> str:
    """The person's age band today, from the one age rule (apps.statistics.age): a
    partial date or a birth year alone may straddle two bands, then both are named."""
    from apps.statistics.age import age_bounds

    on = on or timezone.localdate()
    known = person.birth_date or (str(person.birth_year) if person.birth_year else "")
    bounds = age_bounds(known, on) if known else None
    if bounds is None or bounds[1] < 0:
        return _("unknown")
    low, high = _band(max(bounds[0], 0)), _band(max(bounds[1], 0))
    return low if low == high else f"{low} / {high}"


def summary_referral_for(membership, referral_id) -> Referral:
    """A referral to the member's organisation that waits for its answer, with its
    consent in force: what the summary page may show. Anything else answers 404."""
    referral = received_referral_for(membership, referral_id, readable=False)
    referral.consent.refresh_from_db(fields=["withdrawn_on", "valid_until"])
    if referral.status != ReferralStatus.SENT or not referral.consent.in_force:
        raise Http404
    return referral


def referral_summary(referral: Referral) -> list[tuple[str, str]]:
    """(label, text) rows the receiving organisation reads before it accepts: sex, age
    band, services and needs asked for, urgency, languages, special needs. Codes and
    clear columns only: never a name, a birth date, a phone, a document or free text."""
    from apps.people.models import Sex

    person = referral.case.person
    services = dict(ServiceType.choices)
    needs = dict(need_choices())
    special = dict(SpecialNeed.choices)
    languages = reference_labels("language")

    def listed(codes, labels) -> str:
        return ", ".join(str(labels.get(c, c)) for c in codes or []) or "—"

    return [
        (_("Sex"), str(dict(Sex.choices).get(person.sex, person.sex))),
        (_("Age band"), age_band(person)),
        (_("Services asked for"), listed(referral.services, services)),
        (_("Needs asked for"), listed(referral.needs_requested, needs)),
        (_("Urgency"), str(Urgency(referral.urgency).label)),
        (_("Languages"), listed(person.languages, languages)),
        (_("Special needs"), listed(referral.special_needs, special)),
    ]


def receiver_consent_gone(referral: Referral) -> bool:
    """On the receiver's side: the consent behind the referral is no longer in force,
    so the inbox shows the referral as such and nothing else. Uses the consent loaded
    with the referral (the inbox's selector loads it)."""
    return not referral.consent.in_force


# --- consent: for whom and for what -------------------------------------------------


def consent_terms_of(membership, consents) -> dict[int, dict]:
    """For each referral consent of the member's organisation among `consents`: the
    recipient, the referrals sent under it, the services and the fields it covers, as
    labels. Consents of other organisations are left out."""
    ids = [c.pk for c in consents]
    if membership is None or not ids:
        return {}
    terms = ConsentTerms.objects.filter(
        consent_id__in=ids,
        consent__person__organization_id=membership.organization_id,
    ).select_related("to_organization", "to_entry")
    referrals: dict[int, list] = {}
    for pk, consent_id in (
        Referral.objects.filter(consent_id__in=ids, from_organization_id=membership.organization_id)
        .order_by("sent_at", "id")
        .values_list("pk", "consent_id")
    ):
        referrals.setdefault(consent_id, []).append((pk, Referral(pk=pk).reference))
    fields = dict(SharedField.choices)
    services = dict(ServiceType.choices)
    return {
        t.consent_id: {
            "recipient": t.recipient_name,
            "referrals": referrals.get(t.consent_id, []),
            "services": [str(services.get(s, s)) for s in t.services],
            "fields": [str(fields.get(f, f)) for f in t.shared_fields],
        }
        for t in terms
    }
