"""The mapping between Koldoo's people and cases and IOM's Human Trafficking Case Data
Standard (HTCDS) v2 field names and value names, both ways.

Only fields that HTCDS defines are written. What maps, what does not and why is in
docs/decisions/0005-htcds-exchange.md; in short:

- Names: given name → prs_FirstName, patronymic → prs_MiddleName, family name →
  prs_SecondName.
- prs_Birthdate is an HTCDS Date (YYYY-MM-DD). Our partial birth dates (YYYY-MM, YYYY)
  have no HTCDS form: they are left out and named in the export's notes, never padded
  with an invented day.
- Picklists (forms of exploitation, means of control, recruitment) go through
  ReferenceValue.htcds_value, so an admin who adds a value also decides its HTCDS name.
- Countries of exploitation flatten HTCDS's Historic Trafficking Events to
  hte_Type "Exploitation" and hte_Country (ISO 3166 alpha-2 codes).
- Multi-select values are lists in JSON and ";"-separated in CSV/XLSX (Salesforce's
  multi-select picklist convention, which HTCDS is modelled on).
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.selectors import reference_codes, reference_values
from apps.people.validation import parse_partial_date

# Every field name of HTCDS v2.0 (../shared/domain/standards/HTCDS-field-standards-2.0.csv).
# A file may carry any of them; those Koldoo has no place for are reported as left out.
HTCDS_FIELDS = frozenset(
    "org_Name org_ShippingCity org_ShippingCountry org_ShippingState org_ShippingStreet "
    "org_ShippingPostalCode org_ShippingLongitude org_ShippingLatitude org_Phone org_Type "
    "prs_Salutation prs_FirstName prs_MiddleName prs_SecondName prs_Birthdate prs_Gender "
    "prs_Deceased prs_MaritalStatus prs_NumberOfChildren prs_PrimaryLanguage "
    "prs_SecondaryLanguage prs_HighestLevelOfEducation prs_Citizenship prs_IdentityNumber "
    "prs_Title prs_Email prs_HomePhone prs_MobilePhone prs_MailingCity prs_MailingCountry "
    "prs_MailingState prs_MailingStreet prs_MailingPostalCode prs_MailingLongitude "
    "prs_MailingLatitude vic_AgreementToManagePersonalData vic_TraffickingStatus "
    "vic_TraffickingStatusDecisionMakingOrg vic_RelationshipToTrafficker "
    "vic_AgeWhenTrafficked vic_RecruitmentWebsitesAndApps vic_MethodOfRecruitment "
    "vic_LocationOfRecruitment vic_MethodsOfControl vic_TypeOfExploitation "
    "vic_ForcedLabourIndustry vic_TypeOfSexExploitation vic_LocationOfExploitation "
    "vic_ExploitationWebsitesAndApps vic_Vulnerabilities vic_DetailsOfVulnerabilities "
    "per_RoleInProcess per_RoleDetails cas_Status cas_ReasonForCaseClosure cas_CaseOwner "
    "cas_ReferringOrganisation cas_IncomingReferralDate cas_ReferringPrimaryCaseWorker "
    "cas_ReasonForIncomingReferral cas_IncomingReferralDetails cas_ReferredOrganisation "
    "cas_ReferredPrimaryCaseWorker cas_ReasonForOutgoingReferral cas_OutgoingReferralDate "
    "cas_OutgoingReferralDetails cco_CaseComment hte_Longitude hte_Latitude hte_City "
    "hte_Country hte_State hte_Street hte_PostalCode hte_Date hte_Type hte_Description "
    "spl_Objectives spl_ActionPlan spl_PlannedEndDate spl_ActualEndDate spl_Type con_Consent "
    # IOM's Excel template spells this header without the "g".
    "vic_TraffickinStatusDecisionMakingOrg".split()
)

# Value names of the HTCDS v2 picklists Koldoo reads or writes.
GENDERS = (
    "Feminine",
    "Masculine",
    "TransgenderFeminine",
    "TransgenderMasculine",
    "NonConforming",
    "NonSpecifiedUnknown",
)
TYPES_OF_EXPLOITATION = (
    "ForcedLabour",
    "SexualExploitation",
    "ChildLabour",
    "ForcedMarriage",
    "Servitude",
    "ForcedMilitaryByNonStateActors",
    "OrganRemoval",
    "ForcedBegging",
    "ForcedAdoption",
    "Surrogacy",
    "Other",
)
METHODS_OF_CONTROL = (
    "PhysicalThreats",
    "ThreatsLawEnforcement",
    "ThreatensChildrenFamily",
    "DebtBondage",
    "FalsePromises",
    "PhysicalAbuse",
    "SexualAbuse",
    "TakesEarnings",
    "RestrictsFinancialAccess",
    "RestrictsMedicalCare",
    "WithholdsNecessities",
    "PsychologicalAbuse",
    "PsychoactiveSubstance",
    "ExcessiveWorkingHours",
    "WithholdsDocuments",
    "Other",
)
METHODS_OF_RECRUITMENT = (
    "AtAPlaceOfBusiness",
    "AtAnEducationalInstitution",
    "AtWork",
    "ThroughOnlineSocialNetworks",
    "ThroughAnOnlineAdvertisement",
    "ThroughATelevisionAdvert",
    "ThroughANewspaperAdvert",
    "ThroughFamilyOrFamilyEvents",
    "ThroughFriendsOrSocialEvents",
    "Other",
)
EVENT_TYPES = ("Recruitment", "Transit", "Exploitation")
REFERRAL_REASONS = ("AdditionalServicesRequired", "MigrationOrChangeOfLocation", "Other")

SEX_TO_GENDER = {
    "F": "Feminine",
    "M": "Masculine",
    "X": "NonConforming",
    "U": "NonSpecifiedUnknown",
}
GENDER_TO_SEX = {
    "Feminine": "F",
    "Masculine": "M",
    "TransgenderFeminine": "X",
    "TransgenderMasculine": "X",
    "NonConforming": "X",
    "NonSpecifiedUnknown": "U",
}

# The order of an exported record's fields: the standard's own order.
EXPORT_ORDER = (
    "prs_FirstName",
    "prs_MiddleName",
    "prs_SecondName",
    "prs_Birthdate",
    "prs_Gender",
    "prs_PrimaryLanguage",
    "prs_SecondaryLanguage",
    "prs_Citizenship",
    "prs_IdentityNumber",
    "prs_HomePhone",
    "prs_MobilePhone",
    "prs_MailingStreet",
    "vic_MethodOfRecruitment",
    "vic_MethodsOfControl",
    "vic_TypeOfExploitation",
    "cas_ReferringOrganisation",
    "cas_ReferredOrganisation",
    "cas_ReasonForOutgoingReferral",
    "cas_OutgoingReferralDate",
    "cas_OutgoingReferralDetails",
    "hte_Type",
    "hte_Country",
    "con_Consent",
)
MULTI_VALUE = frozenset(
    {
        "prs_Citizenship",
        "vic_MethodOfRecruitment",
        "vic_MethodsOfControl",
        "vic_TypeOfExploitation",
        "hte_Country",
    }
)
# Koldoo field (a referral's shared-field name where a referral can share it) → the HTCDS
# fields it fills. A Koldoo field with no HTCDS field maps to ().
HTCDS_FIELDS_OF = {
    "given_name": ("prs_FirstName",),
    "patronymic": ("prs_MiddleName",),
    "family_name": ("prs_SecondName",),
    "birth_date": ("prs_Birthdate",),
    "sex": ("prs_Gender",),
    "languages": ("prs_PrimaryLanguage", "prs_SecondaryLanguage"),
    "citizenship": ("prs_Citizenship",),
    "document_numbers": ("prs_IdentityNumber",),
    "phones": ("prs_MobilePhone", "prs_HomePhone"),
    "address": ("prs_MailingStreet",),
    "recruitment_channel": ("vic_MethodOfRecruitment",),
    "means_of_control": ("vic_MethodsOfControl",),
    "exploitation": ("vic_TypeOfExploitation",),
    "countries_of_exploitation": ("hte_Type", "hte_Country"),
    "needs": ("cas_OutgoingReferralDetails",),
    "case_type": (),
}
# HTCDS fields an import turns into Koldoo data; the rest are reported as left out.
IMPORTED_FIELDS = frozenset(
    {
        "prs_FirstName",
        "prs_MiddleName",
        "prs_SecondName",
        "prs_Birthdate",
        "prs_Gender",
        "prs_PrimaryLanguage",
        "prs_SecondaryLanguage",
        "prs_Citizenship",
        "prs_IdentityNumber",
        "prs_HomePhone",
        "prs_MobilePhone",
        "prs_MailingStreet",
        "prs_MailingCity",
        "prs_MailingState",
        "prs_MailingPostalCode",
        "prs_MailingCountry",
        "vic_MethodOfRecruitment",
        "vic_MethodsOfControl",
        "vic_TypeOfExploitation",
        "hte_Type",
        "hte_Country",
        "cas_ReferringOrganisation",
        "cas_IncomingReferralDetails",
        "cas_OutgoingReferralDetails",
        # Checked (dates, picklist) but not stored: they describe the sender's referral.
        "cas_IncomingReferralDate",
        "cas_OutgoingReferralDate",
        "cas_ReasonForOutgoingReferral",
        "cas_ReferredOrganisation",
        "con_Consent",
    }
)
REQUIRED_FIELDS = ("prs_FirstName",)
# Every HTCDS record is a human-trafficking case; HTCDS has no case-type field.
IMPORTED_CASE_TYPE = "trafficking"
# The only event type Koldoo exports; an import also reads Recruitment and Transit.
EVENT_LISTS = {
    "Recruitment": "countries_of_recruitment",
    "Transit": "countries_of_transit",
    "Exploitation": "countries_of_exploitation",
}

_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_E164 = re.compile(r"^\+?[1-9]\d{1,14}$")
_PHONE_SEPARATORS = re.compile(r"[\s().\-/]")
NAME_MAX_LENGTH = 100
TEXT_MAX_LENGTH = 200
DETAILS_MAX_LENGTH = 20_000


# --------------------------------------------------------------------------- values


def htcds_names(kind: str) -> dict[str, str]:
    """Our code → HTCDS value name, for the codes of a taxonomy that have one."""
    return {
        code: name
        for code, name in reference_values(kind, active_only=False).values_list(
            "code", "htcds_value"
        )
        if name
    }


def koldoo_codes(kind: str, allowed: tuple[str, ...]) -> dict[str, str]:
    """HTCDS value name → our code. Where several of our codes share one HTCDS value the
    first in display order wins ("other" for Other); an HTCDS value none of our codes
    carries becomes our "Other" code, so a valid file is never refused for it."""
    out: dict[str, str] = {}
    for code, name in reference_values(kind).values_list("code", "htcds_value"):
        if name and (name not in out or (name == "Other" and code == "other")):
            out[name] = code
    fallback = out.get("Other")
    if fallback:
        for name in allowed:
            out.setdefault(name, fallback)
    return out


def language_code(code: str) -> str:
    """Our language code → ISO 639-2 (three letters), or "" when it has none ("other")."""
    import pycountry

    language = pycountry.languages.get(alpha_2=code) if len(code) == 2 else None
    return getattr(language, "alpha_3", "") if language else ""


def language_from_htcds(value: str) -> str | None:
    """An ISO 639 code (two or three letters) → our language code; None if not ISO."""
    import pycountry

    value = value.strip().lower()
    if len(value) == 2:
        language = pycountry.languages.get(alpha_2=value)
    elif len(value) == 3:
        language = pycountry.languages.get(alpha_3=value) or pycountry.languages.get(
            bibliographic=value
        )
    else:
        language = None
    if language is None:
        return None
    code = getattr(language, "alpha_2", "")
    return code if code in reference_codes("language") else "other"


def e164(phone: str) -> str:
    """A phone number as HTCDS wants it (E.164 digits, no "+", which a spreadsheet would
    read as a formula); "" when it is not an international number."""
    digits = _PHONE_SEPARATORS.sub("", phone or "")
    return digits.lstrip("+") if _E164.match(digits) else ""


# --------------------------------------------------------------------------- export


@dataclass
class ExportRecord:
    """One case as an HTCDS record, and what was left out of it and why."""

    values: dict
    left_out: list[tuple[str, str]] = field(default_factory=list)


def export_record(referral, shared: dict) -> ExportRecord:
    """The HTCDS record of a referral's case from `shared`, the consented fields only
    (apps.referrals.selectors.shared_view). Empty values are not written."""
    values: dict = {
        "cas_ReferringOrganisation": referral.from_organization.name,
        "cas_ReferredOrganisation": referral.recipient_name,
        # Every Koldoo referral asks for services.
        "cas_ReasonForOutgoingReferral": "AdditionalServicesRequired",
        "cas_OutgoingReferralDate": timezone.localdate(referral.sent_at).isoformat(),
        # The export runs only while the person's referral consent is in force.
        "con_Consent": True,
    }
    left_out: list[tuple[str, str]] = []

    def put(name, value):
        if value not in ("", None, [], ()):
            values[name] = value

    for name, value in shared.items():
        if name in ("given_name", "patronymic", "family_name", "address", "needs"):
            put(HTCDS_FIELDS_OF[name][0], (value or "").strip())
        elif name == "birth_date":
            if value and _FULL_DATE.match(value):
                put("prs_Birthdate", value)
            elif value:
                left_out.append(
                    (
                        name,
                        # No value here: the export page shows reasons without an audit entry.
                        _(
                            "The date of birth is known only in part (the year, or the year "
                            "and month); HTCDS takes whole dates only, so it is left out "
                            "rather than given an invented day."
                        ),
                    )
                )
        elif name == "sex":
            put("prs_Gender", SEX_TO_GENDER.get(value, ""))
        elif name == "languages":
            codes = [c for c in (language_code(v) for v in value or []) if c]
            put("prs_PrimaryLanguage", codes[0] if codes else "")
            put("prs_SecondaryLanguage", codes[1] if len(codes) > 1 else "")
            if len(codes) < len(value or []) or len(codes) > 2:
                left_out.append(
                    (
                        name,
                        _(
                            "HTCDS holds two languages, each as an ISO 639 code; others are left out."
                        ),
                    )
                )
        elif name == "phones":
            numbers = [n for n in (e164(p) for p in value or []) if n]
            put("prs_MobilePhone", numbers[0] if numbers else "")
            put("prs_HomePhone", numbers[1] if len(numbers) > 1 else "")
            if len(numbers) < len(value or []) or len(numbers) > 2:
                left_out.append(
                    (
                        name,
                        _(
                            "HTCDS holds two phone numbers in international form (E.164); "
                            "others are left out."
                        ),
                    )
                )
        elif name == "document_numbers":
            numbers = [n.strip() for n in value or [] if n.strip()]
            put("prs_IdentityNumber", numbers[0] if numbers else "")
            if len(numbers) > 1:
                left_out.append((name, _("HTCDS holds one identity number; others are left out.")))
        elif name == "citizenship":
            put("prs_Citizenship", [value] if value else [])
        elif name in ("exploitation", "means_of_control", "recruitment_channel"):
            codes = value if isinstance(value, list) else [value] if value else []
            names = htcds_names(name)
            mapped = list(dict.fromkeys(names[c] for c in codes if c in names))
            put(HTCDS_FIELDS_OF[name][0], mapped)
        elif name == "countries_of_exploitation":
            if value:
                values["hte_Type"] = "Exploitation"
                put("hte_Country", list(dict.fromkeys(value)))
        elif name in ("purpose", "message"):
            # Consented free text; HTCDS has one free-text field for the referral.
            text = (value or "").strip()
            if text:
                details = values.get("cas_OutgoingReferralDetails", "")
                put("cas_OutgoingReferralDetails", f"{details}\n\n{text}".strip())
        elif name == "case_type":
            left_out.append(
                (name, _("HTCDS has no case type; every HTCDS case is a trafficking case."))
            )
    ordered = {k: values[k] for k in EXPORT_ORDER if k in values}
    return ExportRecord(ordered, left_out)


# --------------------------------------------------------------------------- import


@dataclass(slots=True)
class PlannedCase:
    """One checked record, ready to write: a new person with one new case."""

    row: int
    person: dict
    case: dict
    note: str


class _Values:
    """Reference data, loaded once per file."""

    def __init__(self):
        self.exploitation = koldoo_codes("exploitation", TYPES_OF_EXPLOITATION)
        self.means_of_control = koldoo_codes("means_of_control", METHODS_OF_CONTROL)
        self.recruitment = koldoo_codes("recruitment_channel", METHODS_OF_RECRUITMENT)
        self.countries = reference_codes("country")
        self.today = timezone.localdate()


def as_text(value) -> str:
    """A JSON or spreadsheet value as text ("" for nothing)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(as_text(v) for v in value)
    return str(value).strip()


def as_list(value) -> list[str]:
    """A multi-select value: a JSON list or a ";"-separated cell."""
    items = value if isinstance(value, list) else as_text(value).split(";")
    return [t for t in (as_text(v) for v in items) if t]


class RecordChecker:
    """Checks HTCDS records one at a time, adding problems to an ImportReport."""

    def __init__(self, report):
        self.report = report
        self.values = _Values()
        self.left_out: dict[str, int] = {}

    def error(self, row, name, value, reason):
        self.report.add_error(row, name, as_text(value), reason)

    def _text(self, row, name, record, limit=TEXT_MAX_LENGTH) -> str:
        text = as_text(record.get(name))
        if not text:
            return ""
        if len(text) > limit:
            self.error(
                row,
                name,
                text,
                _("Too long: %(length)d characters, at most %(limit)d.")
                % {"length": len(text), "limit": limit},
            )
            return ""
        return text

    def _picklist(self, row, name, value, mapping: dict, allowed) -> list[str]:
        codes = []
        for item in as_list(value):
            # Value names are matched without regard to case: "forcedLabour" is meant.
            match = next((a for a in allowed if a.lower() == item.lower()), None)
            if match is None:
                self.error(
                    row,
                    name,
                    item,
                    _("Unknown value “%(value)s”; HTCDS v2 allows: %(values)s.")
                    % {"value": item, "values": ", ".join(allowed)},
                )
            elif match in mapping and mapping[match] not in codes:
                codes.append(mapping[match])
        return codes

    def _date(self, row, name, record):
        text = as_text(record.get(name))
        if not text:
            return ""
        text = text[:10] if re.match(r"^\d{4}-\d{2}-\d{2}[T ]00:00(:00)?$", text) else text
        try:
            if not _FULL_DATE.match(text):
                raise ValidationError("")
            normalised, _year = parse_partial_date(text, allow_dotted=False)
        except ValidationError as exc:
            reason = exc.messages[0] if exc.messages and exc.messages[0] else ""
            self.error(
                row,
                name,
                text,
                reason or _("Enter the date as YYYY-MM-DD, for example 2024-03-31."),
            )
            return ""
        return normalised

    def check(self, row: int, record: dict) -> PlannedCase | None:
        errors_before = self.report.error_count
        for name, value in record.items():
            if name not in IMPORTED_FIELDS and as_text(value):
                self.left_out[name] = self.left_out.get(name, 0) + 1
        for name in REQUIRED_FIELDS:
            if not as_text(record.get(name)):
                self.error(row, name, "", _("This field is required; it is empty."))

        person: dict = {
            "given_name": self._text(row, "prs_FirstName", record, NAME_MAX_LENGTH),
            "patronymic": self._text(row, "prs_MiddleName", record, NAME_MAX_LENGTH),
            "family_name": self._text(row, "prs_SecondName", record, NAME_MAX_LENGTH),
        }
        birth_date = self._date(row, "prs_Birthdate", record)
        person["birth_date"] = birth_date
        person["birth_year"] = int(birth_date[:4]) if birth_date else None
        for name in ("cas_IncomingReferralDate", "cas_OutgoingReferralDate"):
            self._date(row, name, record)

        gender = as_text(record.get("prs_Gender"))
        if gender:
            sexes = self._picklist(row, "prs_Gender", gender, GENDER_TO_SEX, GENDERS)
            person["sex"] = sexes[0] if sexes else "U"

        person["languages"] = self._languages(row, record)

        citizenship = [c.upper() for c in as_list(record.get("prs_Citizenship"))]
        for code in citizenship:
            if code not in self.values.countries:
                self.error(
                    row,
                    "prs_Citizenship",
                    code,
                    _("Unknown country; use the two-letter ISO 3166 code, for example KG."),
                )
        # Koldoo keeps one citizenship, the first the file names.
        person["citizenship"] = citizenship[0] if citizenship else ""

        phones = []
        for name in ("prs_MobilePhone", "prs_HomePhone"):
            text = as_text(record.get(name))
            if text:
                number = e164(text)
                if not number:
                    self.error(
                        row,
                        name,
                        text,
                        _("Not an international phone number (E.164), for example 996700123456."),
                    )
                else:
                    phones.append("+" + number)
        person["phones"] = phones
        identity = self._text(row, "prs_IdentityNumber", record)
        person["document_numbers"] = [identity] if identity else []
        address = [
            self._text(row, name, record)
            for name in (
                "prs_MailingStreet",
                "prs_MailingCity",
                "prs_MailingState",
                "prs_MailingPostalCode",
                "prs_MailingCountry",
            )
        ]
        person["address"] = ", ".join(a for a in address if a)

        case = {
            "case_type": IMPORTED_CASE_TYPE,
            "exploitation": self._picklist(
                row,
                "vic_TypeOfExploitation",
                record.get("vic_TypeOfExploitation"),
                self.values.exploitation,
                TYPES_OF_EXPLOITATION,
            ),
            "means_of_control": self._picklist(
                row,
                "vic_MethodsOfControl",
                record.get("vic_MethodsOfControl"),
                self.values.means_of_control,
                METHODS_OF_CONTROL,
            ),
        }
        recruitment = self._picklist(
            row,
            "vic_MethodOfRecruitment",
            record.get("vic_MethodOfRecruitment"),
            self.values.recruitment,
            METHODS_OF_RECRUITMENT,
        )
        # Koldoo keeps one recruitment channel, the first the file names.
        case["recruitment_channel"] = recruitment[0] if recruitment else ""
        self._events(row, record, case)
        self._picklist(
            row,
            "cas_ReasonForOutgoingReferral",
            record.get("cas_ReasonForOutgoingReferral"),
            {},
            REFERRAL_REASONS,
        )
        self._consent(row, record)
        note = self._note(row, record)
        if self.report.error_count > errors_before:
            return None
        return PlannedCase(row=row, person=person, case=case, note=note)

    def _consent(self, row, record) -> None:
        """A record the sender marks as not consented is refused; an empty mark is the
        sending system's silence, not a refusal."""
        text = as_text(record.get("con_Consent")).lower()
        if text in ("", "true", "1", "yes"):
            return
        if text in ("false", "0", "no"):
            self.error(
                row,
                "con_Consent",
                text,
                _("The sending system records that the person did not consent; not imported."),
            )
        else:
            self.error(
                row,
                "con_Consent",
                text,
                _("Unknown value “%(value)s”; HTCDS v2 allows: %(values)s.")
                % {"value": text, "values": "true, false"},
            )

    def _languages(self, row, record) -> list[str]:
        languages = []
        for name in ("prs_PrimaryLanguage", "prs_SecondaryLanguage"):
            text = as_text(record.get(name))
            if not text:
                continue
            code = language_from_htcds(text)
            if code is None:
                self.error(
                    row,
                    name,
                    text,
                    _("Unknown language; use an ISO 639 code, for example kir or rus."),
                )
            elif code not in languages:
                languages.append(code)
        return languages

    def _events(self, row, record, case) -> None:
        countries = [c.upper() for c in as_list(record.get("hte_Country"))]
        event_type = as_text(record.get("hte_Type")) or "Exploitation"
        if event_type not in EVENT_TYPES:
            self.error(
                row,
                "hte_Type",
                event_type,
                _("Unknown value “%(value)s”; HTCDS v2 allows: %(values)s.")
                % {"value": event_type, "values": ", ".join(EVENT_TYPES)},
            )
            return
        for code in countries:
            if code not in self.values.countries:
                self.error(
                    row,
                    "hte_Country",
                    code,
                    _("Unknown country; use the two-letter ISO 3166 code, for example KG."),
                )
        if countries:
            case[EVENT_LISTS[event_type]] = list(dict.fromkeys(countries))

    def _note(self, row, record) -> str:
        parts = []
        referrer = self._text(row, "cas_ReferringOrganisation", record)
        if referrer:
            parts.append(_("Referred by: %(organisation)s") % {"organisation": referrer})
        for name in ("cas_OutgoingReferralDetails", "cas_IncomingReferralDetails"):
            details = self._text(row, name, record, DETAILS_MAX_LENGTH)
            if details and details not in parts:
                parts.append(details)
        return "\n\n".join(parts)
