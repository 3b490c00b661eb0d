"""Legal aid and proceedings in the national report (contract: apps.statistics.sources).

The counting rules are written down in docs/statistics/legal-counting-rules.md; in short:

- a consultation counts in the period of its date;
- a proceeding counts under a stage when a stage of that type started in the period;
- a defendant is prosecuted in the period in which their proceeding first reached court
  (the earliest indictment or first-instance trial stage), once per article charged;
- a verdict counts in the period of its date, per charge (article) and outcome;
- a sentence counts with its conviction, in one length band;
- officials are defendants flagged as public officials, prosecuted or convicted as above;
- compensation awarded or paid counts each such event in the period of its date; the
  amounts table sums those events' amounts (not a count, so not perturbed; a cell of
  fewer records than the disclosure threshold is left out);
- an investigation counts in the period its investigation stage started, per article;
- a victim is represented in the period when a proceeding in which they are the client
  as victim or civil plaintiff was open on any day of the period.
"""

from collections import defaultdict

from django.db.models import Count, Min, Q, Sum
from django.utils.translation import gettext_lazy as _

from apps.legal.models import (
    Article,
    Charge,
    ClientRole,
    Compensation,
    CompensationEvent,
    Consultation,
    Currency,
    Defendant,
    LegalArea,
    Proceeding,
    ProceedingKind,
    Sentence,
    StageType,
    Verdict,
    VerdictOutcome,
)
from apps.people.models import Person, Sex
from apps.statistics.counting import NOT_RECORDED, Cells, identities_of, record_key, record_keys
from apps.statistics.sources import Counted, SourceTable

SECTION = ("legal", _("Legal aid and proceedings"))
COURT_STAGES = (StageType.INDICTMENT, StageType.FIRST_INSTANCE)
DAYS_PER_YEAR = 365
SENTENCE_BANDS = [
    ("fine_only", _("fine or probation only")),
    ("suspended", _("suspended prison term")),
    ("under_1y", _("prison under 1 year")),
    ("1_3y", _("prison 1 to 3 years")),
    ("3_5y", _("prison 3 to 5 years")),
    ("5_10y", _("prison 5 to 10 years")),
    ("over_10y", _("prison over 10 years")),
]
VICTIM_ROLES = (ClientRole.VICTIM, ClientRole.CIVIL_PLAINTIFF)
OFFICIAL_STATUSES = [("prosecuted", _("prosecuted")), ("convicted", _("convicted"))]


def _period(scope, field: str) -> Q:
    return Q(**{f"{field}__gte": scope.date_from, f"{field}__lte": scope.date_to})


def article_code(edition: str, number: str) -> str:
    return f"{edition}:{number}"


# --- counts ----------------------------------------------------------------------------


def count_consultations(scope) -> Counted:
    cells = Cells()
    grouped = (
        Consultation.objects.filter(_period(scope, "given_on"))
        .filter(organization_id__in=scope.organization_ids)
        .order_by()
        .values_list("legal_area", "sex")
        .annotate(n=Count("id"), k=record_keys(Consultation, "legal-consultation"))
    )
    for area, sex, n, k in grouped:
        cells.add((area or NOT_RECORDED, sex or Sex.UNKNOWN), n, k)
    return Counted(cells)


def _proceedings(scope):
    return Proceeding.objects.filter(case__organization_id__in=scope.organization_ids).order_by()


def count_proceedings_by_stage(scope) -> Counted:
    rows = set(
        _proceedings(scope)
        .filter(_period(scope, "stages__started_on"))
        .annotate(k=record_key(Proceeding, "legal-proceeding"))
        .values_list("pk", "kind", "stages__stage_type", "k")
    )
    cells, seen = Cells(), {}
    for pk, kind, stage_type, k in rows:
        cells.add((kind, stage_type), 1, k)
        seen[pk] = k
    return Counted(cells, total=len(seen), total_key=sum(seen.values()))


def _prosecuted_defendants(scope) -> dict[int, int]:
    """Defendants (id -> record key) whose proceeding first reached court in the period."""
    rows = (
        Defendant.objects.filter(proceeding__case__organization_id__in=scope.organization_ids)
        .order_by()
        .annotate(
            in_court=Min(
                "proceeding__stages__started_on",
                filter=Q(proceeding__stages__stage_type__in=COURT_STAGES),
            ),
            k=record_key(Defendant, "legal-defendant"),
        )
        .filter(_period(scope, "in_court"))
        .values_list("pk", "k")
    )
    return dict(rows)


def _charged_articles(defendant_ids) -> dict[int, set[str]]:
    out = defaultdict(set)
    rows = (
        Charge.objects.filter(defendant_id__in=list(defendant_ids))
        .order_by()
        .values_list("defendant_id", "article__edition", "article__number")
    )
    for defendant_id, edition, number in rows:
        out[defendant_id].add(article_code(edition, number))
    return out


def count_prosecutions(scope) -> Counted:
    defendants = _prosecuted_defendants(scope)
    charged = _charged_articles(defendants)
    cells = Cells()
    for defendant_id, articles in charged.items():
        for code in articles:
            cells.add((code,), 1, defendants[defendant_id])
    # A defendant counts once in the total, however many articles they were charged under.
    return Counted(cells, total=len(charged), total_key=sum(defendants[d] for d in charged))


def _verdicts(scope):
    return Verdict.objects.filter(
        _period(scope, "decided_on"),
        charge__defendant__proceeding__case__organization_id__in=scope.organization_ids,
    ).order_by()


def count_verdicts(scope) -> Counted:
    cells = Cells()
    rows = (
        _verdicts(scope)
        .values_list("charge__article__edition", "charge__article__number", "outcome")
        .annotate(n=Count("id"), k=record_keys(Verdict, "legal-verdict"))
    )
    for edition, number, outcome, n, k in rows:
        cells.add((article_code(edition, number), outcome), n, k)
    return Counted(cells)


def sentence_band(prison_days, suspended: bool) -> str:
    if not prison_days:
        return "fine_only"
    if suspended:
        return "suspended"
    years = prison_days / DAYS_PER_YEAR
    if years < 1:
        return "under_1y"
    if years <= 3:
        return "1_3y"
    if years <= 5:
        return "3_5y"
    if years <= 10:
        return "5_10y"
    return "over_10y"


def count_sentences(scope) -> Counted:
    cells = Cells()
    rows = (
        Sentence.objects.filter(
            verdict__in=_verdicts(scope).filter(outcome=VerdictOutcome.CONVICTION)
        )
        .order_by()
        .annotate(k=record_key(Sentence, "legal-sentence"))
        .values_list("prison_days", "suspended", "k")
    )
    for days, suspended, k in rows:
        cells.add((sentence_band(days, suspended),), 1, k)
    return Counted(cells)


def count_officials(scope) -> Counted:
    prosecuted = _prosecuted_defendants(scope)
    officials = set(
        Defendant.objects.filter(pk__in=list(prosecuted), public_official=True).values_list(
            "pk", flat=True
        )
    )
    convicted = dict(
        Defendant.objects.filter(
            public_official=True,
            charges__verdict__in=_verdicts(scope).filter(outcome=VerdictOutcome.CONVICTION),
        )
        .order_by()
        .annotate(k=record_key(Defendant, "legal-defendant"))
        .values_list("pk", "k")
        .distinct()
    )
    cells = Cells()
    for pk in officials:
        cells.add(("prosecuted",), 1, prosecuted[pk])
    for k in convicted.values():
        cells.add(("convicted",), 1, k)
    keys = {pk: prosecuted[pk] for pk in officials} | convicted
    return Counted(cells, total=len(keys), total_key=sum(keys.values()))


def count_compensation(scope) -> Counted:
    cells = Cells()
    rows = (
        Compensation.objects.filter(
            _period(scope, "on"),
            proceeding__case__organization_id__in=scope.organization_ids,
            event__in=(CompensationEvent.AWARDED, CompensationEvent.PAID),
        )
        .order_by()
        .values_list("event", "currency")
        .annotate(n=Count("id"), k=record_keys(Compensation, "legal-compensation"))
    )
    for event, currency, n, k in rows:
        cells.add((event, currency), n, k)
    return Counted(cells)


def count_compensation_amounts(scope) -> Counted:
    """Sums (in whole units of the currency) awarded and paid in the period.

    Not a count of records, so the report does not perturb it (`perturbed=False`); and
    because a sum of one or two decisions discloses the amount a person received, under
    disclosure control a cell made of fewer records than the threshold is left out
    rather than shown (its events still count in `compensation_awarded_paid`)."""
    cells = Cells()
    rows = (
        Compensation.objects.filter(
            _period(scope, "on"),
            proceeding__case__organization_id__in=scope.organization_ids,
            event__in=(CompensationEvent.AWARDED, CompensationEvent.PAID),
        )
        .order_by()
        .values_list("event", "currency")
        .annotate(amount=Sum("amount"), n=Count("id"))
    )
    total = 0
    for event, currency, amount, n in rows:
        if scope.disclosure_control and n < scope.threshold:
            continue
        cells.add((event, currency), int(amount), 0)
        total += int(amount)
    # Sums in different currencies do not add up to anything meaningful.
    return Counted(cells, total=total if len({c for _e, c in cells}) <= 1 else None)


def count_investigations(scope) -> Counted:
    """Proceedings whose investigation stage started in the period, by year of that start
    and article charged (any defendant's); once per article, "unknown" with no charge."""
    opened = dict(
        _proceedings(scope)
        .filter(
            _period(scope, "stages__started_on"),
            stages__stage_type=StageType.INVESTIGATION,
        )
        .values("pk")
        .annotate(on=Min("stages__started_on"))
        .values_list("pk", "on")
    )
    keys = dict(
        Proceeding.objects.filter(pk__in=list(opened))
        .order_by()
        .annotate(k=record_key(Proceeding, "legal-investigation"))
        .values_list("pk", "k")
    )
    articles = defaultdict(set)
    rows = (
        Charge.objects.filter(defendant__proceeding_id__in=list(opened))
        .order_by()
        .values_list("defendant__proceeding_id", "article__edition", "article__number")
    )
    for pk, edition, number in rows:
        articles[pk].add(article_code(edition, number))
    cells = Cells()
    for pk, on in opened.items():
        for code in articles.get(pk) or {NOT_RECORDED}:
            cells.add((str(on.year), code), 1, keys[pk])
    return Counted(cells, total=len(opened), total_key=sum(keys.values()))


def count_victims_represented(scope) -> Counted:
    """Distinct people who were the client, as victim or civil plaintiff, of a proceeding
    open on any day of the period; under each kind of proceeding they were in."""
    rows = (
        _proceedings(scope)
        .filter(client_role__in=VICTIM_ROLES, opened_on__lte=scope.date_to)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=scope.date_from))
        .values_list("case__person_id", "kind")
        .distinct()
    )
    # A person linked across organisations counts once (apps.statistics.counting.
    # identities_of); her sex is the one her records agree on, else not recorded.
    identity = identities_of([p for p, _k in rows], "legal-victim-represented")
    kinds, sexes, seen = defaultdict(set), defaultdict(set), {}
    for person_id, kind in rows:
        kinds[identity[person_id][0]].add(kind)
    for pk, sex in Person.objects.filter(pk__in=list(identity)).values_list("pk", "sex"):
        ident, k = identity[pk]
        seen[ident] = k
        if sex and sex != Sex.UNKNOWN:
            sexes[ident].add(sex)
    cells = Cells()
    for ident, k in seen.items():
        sex = next(iter(sexes[ident])) if len(sexes[ident]) == 1 else Sex.UNKNOWN
        for kind in kinds[ident]:
            cells.add((kind, sex), 1, k)
    return Counted(cells, total=len(seen), total_key=sum(seen.values()))


# --- labels ----------------------------------------------------------------------------


def _article_labels() -> dict[str, str]:
    return {
        article_code(a.edition, a.number): f"{a.number} {a.title} ({a.edition})"
        for a in Article.objects.all()
    }


def labels(dimension: str) -> dict[str, str]:
    if dimension == "legal_area":
        return dict(LegalArea.choices)
    if dimension == "sex":
        return dict(Sex.choices)
    if dimension == "proceeding_kind":
        return dict(ProceedingKind.choices)
    if dimension == "stage_type":
        return dict(StageType.choices)
    if dimension == "article":
        return _article_labels()
    if dimension == "verdict_outcome":
        return dict(VerdictOutcome.choices)
    if dimension == "sentence_band":
        return dict(SENTENCE_BANDS)
    if dimension == "official_status":
        return dict(OFFICIAL_STATUSES)
    if dimension == "compensation_event":
        return dict(CompensationEvent.choices)
    if dimension == "currency":
        return dict(Currency.choices)
    if dimension == "article_or_unknown":
        return _article_labels() | {NOT_RECORDED: str(_("no charge recorded yet"))}
    return {}


TITLES = {
    "legal_area": _("Legal area"),
    "proceeding_kind": _("Kind of proceeding"),
    "stage_type": _("Stage"),
    "article": _("Criminal-code article"),
    "verdict_outcome": _("Verdict"),
    "sentence_band": _("Sentence"),
    "official_status": _("Public officials"),
    "compensation_event": _("Compensation"),
    "currency": _("Currency"),
    "sex": _("Sex"),
    "year": _("Year"),
    "article_or_unknown": _("Criminal-code article"),
}
NOTE = _("Legal tables: see the legal counting rules (docs/statistics/legal-counting-rules.md).")


def _table(name, dimensions, title, count, **kw) -> SourceTable:
    return SourceTable(
        name=name,
        dimensions=dimensions,
        title=title,
        section=SECTION,
        count=count,
        labels=labels,
        dimension_titles={d: TITLES[d] for d in dimensions if d in TITLES},
        **kw,
    )


TABLES = [
    _table(
        "consultations_by_area",
        ("legal_area", "sex"),
        _("Legal consultations by area and client's sex"),
        count_consultations,
        domains={"legal_area": list(LegalArea.values)},
        notes=(NOTE,),
    ),
    _table(
        "proceedings_by_stage",
        ("proceeding_kind", "stage_type"),
        _("Proceedings by stage reached in the period"),
        count_proceedings_by_stage,
        multi_valued=True,
    ),
    _table(
        "prosecutions_by_article",
        ("article",),
        _("Persons prosecuted by article"),
        count_prosecutions,
        multi_valued=True,
    ),
    _table(
        "convictions_by_article",
        ("article", "verdict_outcome"),
        _("Verdicts by article: convictions, acquittals, dismissals"),
        count_verdicts,
        domains={"verdict_outcome": list(VerdictOutcome.values)},
    ),
    _table(
        "sentences_by_length_band",
        ("sentence_band",),
        _("Sentences by length"),
        count_sentences,
        domains={"sentence_band": [code for code, _label in SENTENCE_BANDS]},
    ),
    _table(
        "officials_prosecuted_convicted",
        ("official_status",),
        _("Public officials prosecuted and convicted"),
        count_officials,
        domains={"official_status": [code for code, _label in OFFICIAL_STATUSES]},
        multi_valued=True,
    ),
    _table(
        "compensation_awarded_paid",
        ("compensation_event", "currency"),
        _("Compensation awarded and paid (decisions and payments)"),
        count_compensation,
        domains={"compensation_event": [CompensationEvent.AWARDED, CompensationEvent.PAID]},
    ),
    _table(
        "compensation_amounts",
        ("compensation_event", "currency"),
        _("Compensation amounts awarded and paid (sums, whole units of the currency)"),
        count_compensation_amounts,
        perturbed=False,
        notes=(
            _(
                "Compensation amounts are sums of money, not counts: they carry no noise, "
                "and an amount made of fewer decisions or payments than the disclosure "
                "threshold is left out."
            ),
        ),
    ),
    _table(
        "investigations_by_article",
        ("year", "article_or_unknown"),
        _("Investigations opened, by year and article"),
        count_investigations,
        multi_valued=True,
    ),
    _table(
        "victims_represented",
        ("proceeding_kind", "sex"),
        _("Victims represented in proceedings (victims and civil plaintiffs)"),
        count_victims_represented,
        domains={"proceeding_kind": list(ProceedingKind.values)},
        multi_valued=True,
    ),
]
