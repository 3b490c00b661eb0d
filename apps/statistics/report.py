"""The national statistics report: its shape (shared by the command, the UI,
the API and the downloads) and `build_report`, which fills it.

CONTRACT (other modules code against these names; keep them stable):

- `ReportScope`: what to count (period, organisations) and whether disclosure
  control applies, with the threshold.
- `Table`: one table. `rows` are dicts with one key per dimension (the code,
  e.g. "labour", "F", "child", "KG") and "count": an int or SUPPRESSED.
  `total` is an int, or SUPPRESSED when the total itself is a small cell.
- `Report`: the scope, the tables in a fixed order, translated notes, and
  `table(name)`. `Report.as_json()` is the JSON of the command:
  a list of {"table", "dimensions", "rows", "total"} objects.
- `build_report(scope) -> Report`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

SUPPRESSED = "suppressed"
DEFAULT_THRESHOLD = 5
MINIMUM_THRESHOLD = 3


@dataclass(frozen=True)
class ReportScope:
    date_from: date
    date_to: date  # inclusive
    organization_ids: tuple[int, ...]
    disclosure_control: bool = True
    threshold: int = DEFAULT_THRESHOLD


@dataclass
class Table:
    name: str  # e.g. "cases_opened_by_type"
    dimensions: list[str]  # e.g. ["exploitation", "sex", "age_group"]
    rows: list[dict]  # [{"exploitation": "labour", "sex": "F", ..., "count": 7 | SUPPRESSED}]
    total: int | str  # int, or SUPPRESSED

    def as_json(self) -> dict:
        return {
            "table": self.name,
            "dimensions": list(self.dimensions),
            "rows": [dict(r) for r in self.rows],
            "total": self.total,
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


def build_report(scope: ReportScope) -> Report:
    """Count everything in the scope; apply disclosure control when asked."""
    raise NotImplementedError  # filled in by the statistics engine
