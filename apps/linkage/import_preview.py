"""The register import's preview: for each new person of the rows shown, the people
already in the register who may be the same (before anything is saved)."""

from apps.core import audit
from apps.core.models import AuditEntry
from apps.linkage.selectors import can_check, possible_duplicates


class PreviewRow:
    """A planned import row as the preview shows it, with its possible matches."""

    def __init__(self, row, matches):
        self._row = row
        self.possible_matches = matches

    def __getattr__(self, name):
        return getattr(self._row, name)


def preview_with_matches(membership, plan, rows, *, request=None) -> list:
    """The preview rows, each new person with `possible_matches` (Candidates). The ids
    shown are audited, as any look at people."""
    if plan is None or not rows or not can_check(membership):
        return rows
    out, shown = [], []
    for r in rows:
        matches = []
        if r.existing_id is None:
            p = r.person
            matches = possible_duplicates(
                membership,
                {
                    "family_name": p.get("family_name", ""),
                    "given_name": p.get("given_name", ""),
                    "patronymic": p.get("patronymic", ""),
                    "birth_date": p.get("birth_date", ""),
                    "phones": p.get("phones") or [],
                    "document_numbers": p.get("document_numbers") or [],
                },
            )[:3]
            shown += [c.person for c in matches]
        out.append(PreviewRow(r, matches))
    if shown:
        audit.shown(
            membership,
            list({p.pk: p for p in shown}.values()),
            target_type="person",
            action=AuditEntry.Action.SEARCH,
            detail={"by": "import_duplicate_check", "results": len(shown)},
            request=request,
        )
    return out


def with_possible_matches(staged, membership, request):
    """The staged import page (apps.core.staged_upload.StagedImport) whose preview
    rows carry their possible matches."""
    from dataclasses import replace

    base = staged.extra_context

    def extra_context(plan):
        rows = plan.rows[: staged.preview_rows] if plan is not None and plan.ok else []
        return {
            **base(plan),
            "preview": preview_with_matches(membership, plan, rows, request=request),
        }

    return replace(staged, extra_context=extra_context)
