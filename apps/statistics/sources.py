"""Tables that domain apps add to the national report.

An app that counts something for the report (legal aid, monitoring, prevention...) puts
a module `statistics_tables.py` beside its models with a list `TABLES` of `SourceTable`.
The report finds them through the app registry, in the order of INSTALLED_APPS, and
treats them like its own tables: the same row format in the JSON, the same cell-key
noise and suppression, the same labels on the page, the downloads and the PDF. The
statistics app therefore never imports a domain app to add a table, and a domain app
never edits the statistics app.

CONTRACT (keep stable; apps code against it):

- `count(scope)` receives the `ReportScope` (organisation ids, inclusive dates) and
  returns a `Counted`: `cells` is an `apps.statistics.counting.Cells` keyed by tuples of
  codes in the order of `dimensions`, each cell added with the sum of its records'
  record keys (`counting.record_keys(Model, "kind")` in an aggregate, or
  `counting.record_key(Model, "kind")` per row) so the noise is consistent between
  reports; `total`/`total_key` only when one record can count under several values
  (`multi_valued`), else the cells' sum is the total.
- Codes are short stable strings; a value not recorded is "unknown".
- `labels(dimension)` returns code -> label in the active language for a dimension;
  `domains` lists the fixed codes of a dimension shown even when zero.
- `perturbed=False` only for sums that are not counts of records (bed-nights-like
  amounts); such tables are still suppressed like the others.

PERSON IDENTITY (the same contract's second part): one app may also say which `Person`
rows of different records are one person, so that the report counts her once across
organisations. Its `statistics_tables.py` then holds `PERSON_IDENTITY =
PersonIdentity(...)`: `sql()` returns SQL (and its parameters) of a query with the
columns `person_id` and `identity` (text, at most one row per person) for the linked
persons only; a person without a row is her own identity. With no provider every
`Person` row counts as one person, as before. apps.linkage provides it from its network
clusters; the statistics app never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps


@dataclass
class Counted:
    cells: object  # apps.statistics.counting.Cells
    total: int | None = None
    total_key: int | None = None


@dataclass(frozen=True)
class SourceTable:
    name: str  # e.g. "prosecutions_by_article"; unique across the report
    dimensions: tuple[str, ...]
    title: object  # lazy translated title
    section: tuple[str, object]  # (slug, lazy translated title) of the page's section
    count: Callable[..., Counted]
    labels: Callable[[str], dict[str, str]] = field(default=lambda dimension: {})
    dimension_titles: dict = field(default_factory=dict)  # dimension -> lazy title
    domains: dict = field(default_factory=dict)  # dimension -> list of fixed codes
    multi_valued: bool = False
    perturbed: bool = True
    notes: tuple = ()  # lazy translated notes added to the report's notes


@dataclass(frozen=True)
class PersonIdentity:
    sql: Callable[[], tuple[str, list]]  # SELECT person_id, identity ... (linked persons)
    kind: str = "person_identity"  # the record-key kind of an identity (cell-key noise)
    notes: tuple = ()  # lazy translated notes: the rule, never how many were linked


def _table_modules():
    for config in apps.get_app_configs():
        module_name = f"{config.name}.statistics_tables"
        if config.name.startswith("apps.") and find_spec(module_name) is not None:
            yield import_module(module_name)


@lru_cache(maxsize=1)
def person_identity() -> PersonIdentity | None:
    """The app that says which persons of different records are one person, or None."""
    found = [m.PERSON_IDENTITY for m in _table_modules() if hasattr(m, "PERSON_IDENTITY")]
    if len(found) > 1:
        raise ValueError("Two apps say which persons are one person; keep one.")
    return found[0] if found else None


@lru_cache(maxsize=1)
def source_tables() -> tuple[SourceTable, ...]:
    """Every domain app's report tables, in the order of INSTALLED_APPS."""
    out: list[SourceTable] = []
    names: set[str] = set()
    for module in _table_modules():
        for table in getattr(module, "TABLES", ()):
            if table.name in names:
                raise ValueError(f"Two report tables are named {table.name}")
            names.add(table.name)
            out.append(table)
    return tuple(out)


def source_table(name: str) -> SourceTable | None:
    for table in source_tables():
        if table.name == name:
            return table
    return None
