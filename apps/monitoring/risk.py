"""The red-flag checklist of a job advertisement and the risk it adds up to.

Weights follow what monitors see most often before trafficking for labour or sexual
exploitation: handing over a passport and "hospitality" jobs for women only weigh most,
a vague employer least. The band is what the list and the statistics show; the score
is kept so that a change of weights can be explained later (decision 0023).
"""

from django.utils.translation import gettext_lazy as _

from apps.monitoring.models import LicenceStatus, RiskBand

FEES = "fees_charged"
UNLICENSED = "unlicensed_agency"
VAGUE_EMPLOYER = "vague_employer"
PAY_TOO_HIGH = "pay_far_above_normal"
TRAVEL_DEBT = "travel_paid_as_debt"
PASSPORT = "passport_handed_over"
HOSPITALITY = "women_only_hospitality"

RED_FLAGS: dict[str, tuple[int, object]] = {
    FEES: (3, _("Fees charged to the worker")),
    UNLICENSED: (3, _("Agency not licensed (never, suspended or revoked)")),
    VAGUE_EMPLOYER: (1, _("Employer vague or not named")),
    PAY_TOO_HIGH: (2, _("Pay far above normal for the job")),
    TRAVEL_DEBT: (3, _("Travel paid by the recruiter, to be repaid as a debt")),
    PASSPORT: (4, _("Passport to be handed over")),
    HOSPITALITY: (4, _("Women only, for “hospitality” work abroad")),
}
HIGH_FROM = 6
MEDIUM_FROM = 3
# Licence statuses that make "unlicensed agency" true whatever the monitor ticked.
NOT_LICENSED = {LicenceStatus.UNLICENSED, LicenceStatus.SUSPENDED, LicenceStatus.REVOKED}


def flag_choices():
    return [(code, label) for code, (_weight, label) in RED_FLAGS.items()]


def effective_flags(flags, agency=None) -> list[str]:
    """The ticked flags in checklist order, with "unlicensed agency" added when the
    linked agency's licence is not valid."""
    chosen = set(flags or [])
    if agency is not None and agency.licence_status in NOT_LICENSED:
        chosen.add(UNLICENSED)
    return [code for code in RED_FLAGS if code in chosen]


def risk_score(flags) -> int:
    return sum(RED_FLAGS[code][0] for code in flags if code in RED_FLAGS)


def risk_band(score: int) -> str:
    if score >= HIGH_FROM:
        return RiskBand.HIGH
    if score >= MEDIUM_FROM:
        return RiskBand.MEDIUM
    return RiskBand.LOW
