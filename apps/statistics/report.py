"""The national statistics report: its shape (shared by the command, the UI,
the API and the downloads) and `build_report`, which fills it.

CONTRACT (other modules code against these names; keep them stable):

- `ReportScope`: what to count (period, organisations) and whether disclosure
  control applies, with the threshold.
- `Table`: one table. `rows` are dicts with one key per dimension (the code,
  e.g. "labour", "F", "child", "KG") and "count": an int or SUPPRESSED.
  `total` is an int, or SUPPRESSED when the total itself is a small cell.
  `perturbed` says whether the counts carry cell-key noise (apps.statistics.cellkey).
- `Report`: the scope, the tables in a fixed order, translated notes, and
  `table(name)`. `Report.as_json()` is the JSON of the command:
  a list of {"table", "dimensions", "rows", "total", "perturbed"} objects; "perturbed"
  is true when the counts carry cell-key noise (docs/statistics/perturbation.md).
- `build_report(scope) -> Report`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

SUPPRESSED = "suppressed"
DEFAULT_THRESHOLD = 5
MINIMUM_THRESHOLD = 3


def _effective_threshold(requested: int | None = None) -> int:
    from apps.statistics.disclosure import effective_threshold  # imports this module

    return effective_threshold(requested)


@dataclass(frozen=True)
class ReportScope:
    date_from: date
    date_to: date  # inclusive
    organization_ids: tuple[int, ...]
    disclosure_control: bool = True
    # The configured threshold unless a caller asks for another; never below the minimum,
    # whoever builds the scope (the command, the page, the API, the dashboard).
    threshold: int = field(default_factory=_effective_threshold)

    def __post_init__(self):
        object.__setattr__(self, "threshold", _effective_threshold(self.threshold))
        if self.disclosure_control:
            # The last line of the period rule: no controlled report over other days, whoever
            # builds the scope. The form, the API and the command say it to the user first.
            from apps.statistics.periods import check_disclosure_period

            check_disclosure_period(self.date_from, self.date_to)


@dataclass
class Table:
    name: str  # e.g. "cases_opened_by_type"
    dimensions: list[str]  # e.g. ["exploitation", "sex", "age_group"]
    rows: list[dict]  # [{"exploitation": "labour", "sex": "F", ..., "count": 7 | SUPPRESSED}]
    total: int | str  # int, or SUPPRESSED
    # Sums of the record keys behind each cell and the total (apps.statistics.cellkey);
    # never published, only read by the perturbation.
    key_sums: dict = field(default_factory=dict, repr=False, compare=False)
    total_key: int = field(default=0, repr=False, compare=False)
    perturbed: bool = False  # counts carry cell-key noise

    def as_json(self) -> dict:
        return {
            "table": self.name,
            "dimensions": list(self.dimensions),
            "rows": [dict(r) for r in self.rows],
            "total": self.total,
            "perturbed": self.perturbed,
        }


@dataclass
class Report:
    scope: ReportScope
    tables: list[Table]
    notes: list[str] = field(default_factory=list)

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    def as_json(self) -> list[dict]:
        return [t.as_json() for t in self.tables]


# The tables in the order of the report, with their dimensions.
TABLES: list[tuple[str, list[str]]] = [
    ("cases_opened_by_type", ["case_type"]),
    ("cases_closed_by_reason", ["closure_reason"]),
    ("cases_opened_by_month", ["month"]),
    ("victims_by_status", ["status"]),
    ("victims_by_exploitation_sex_age", ["exploitation", "sex", "age_group"]),
    ("victims_by_exploitation", ["exploitation"]),
    ("victims_by_sex_age", ["sex", "age_group"]),
    ("victims_by_citizenship", ["citizenship"]),
    ("victims_by_country_of_exploitation", ["country_of_exploitation"]),
    ("victims_by_region_of_origin", ["region_of_origin"]),
    ("victims_by_recruitment_channel", ["recruitment_channel"]),
    ("victims_assisted_by_sex_age", ["sex", "age_group"]),
    ("services_delivered_by_type", ["service_type"]),
    ("referrals_by_status_and_receiver_type", ["status", "receiver_type"]),
    ("shelter_admissions", ["shelter_type"]),
    ("shelter_bed_nights", ["shelter_type"]),
    ("hotline_calls_by_topic", ["topic"]),
    ("hotline_calls_by_region", ["region"]),
    ("hotline_calls_by_caller_category", ["caller_category"]),
    ("hotline_calls_by_urgency", ["urgency"]),
    ("hotline_calls_by_month", ["month"]),
]
# Margins published with a cross-tab, so that its key figures survive when most of its
# cells are hidden: {cross-tab: (margin by the first dimensions, margin by the others)}.
# Their cells are sums of the cross-tab's records (each with the cell key of its own
# record set) and the three are protected together (disclosure.protect_with_margins).
MARGINS = {
    "victims_by_exploitation_sex_age": ("victims_by_exploitation", "victims_by_sex_age"),
}
# Tables in which one person or call can count under several values: their cells add up
# to more than the total (which counts persons or calls once).
MULTI_VALUED = {
    "victims_by_country_of_exploitation",
    "victims_by_recruitment_channel",
    "hotline_calls_by_topic",
}


def build_report(scope: ReportScope) -> Report:
    """Count everything in the scope; apply disclosure control when asked.

    The counting rules are in docs/statistics/counting-rules.md (apps.statistics.counting
    implements them); suppression is apps.statistics.disclosure.
    """
    from apps.statistics.counting_tables import assemble

    return assemble(scope)
