"""Find every write a load run saw acknowledged (bench/var/acknowledged_writes.txt, or
the file named as the first argument), in the database the server used.

Lines (bench/locustfile.py): `note <case id> <marker>` (a case note holding the marker),
`call <call id> <marker>` (a logged call, no longer a draft, whose summary holds the
marker), `person <register number>` (a person of the demo organisation imported with
that register number). Prints what was found per kind and exits 1 if anything is
missing: a write the server confirmed and then lost.
"""

import os
import sys
from collections import Counter
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koldoo.settings")
django.setup()

from apps.accounts.models import Organization  # noqa: E402
from apps.cases.models import CaseNote  # noqa: E402
from apps.hotline.models import Call  # noqa: E402
from apps.people.models import Person  # noqa: E402

try:  # one hash per index key held (during a key rotation, decision 0038)
    from apps.people.models import register_number_keys
except ImportError:  # before key rotation re-indexed register numbers
    from apps.people.models import register_number_key

    def register_number_keys(organization_id, number):
        return [register_number_key(organization_id, number)]


IMPORTING_ORGANISATION = "demo-bishkek"  # admin@demo.example's (seed_demo)


def wanted_writes(path: Path) -> dict[str, list[list[str]]]:
    wanted: dict[str, list[list[str]]] = {"note": [], "call": [], "person": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            kind, *rest = line.split()
            wanted[kind].append(rest)
    return wanted


def missing_notes(notes) -> int:
    by_case: dict[int, set[str]] = {}
    for case_id, marker in notes:
        by_case.setdefault(int(case_id), set()).add(marker)
    missing = 0
    for case_id, markers in by_case.items():
        # Bodies are encrypted: read the case's notes and look for the markers.
        bodies = " ".join(CaseNote.objects.filter(case_id=case_id).values_list("body", flat=True))
        missing += sum(1 for m in markers if m not in bodies)
    return missing


def missing_calls(calls) -> int:
    ids = {int(call_id) for call_id, _ in calls}
    logged = {
        c.pk: c.summary for c in Call.objects.filter(pk__in=ids, is_draft=False).only("summary")
    }
    return sum(1 for call_id, marker in calls if marker not in logged.get(int(call_id), ""))


def missing_people(people) -> int:
    organisation = Organization.objects.get(slug=IMPORTING_ORGANISATION)
    missing = 0
    for (number,) in people:
        keys = register_number_keys(organisation.pk, number)
        found = Person.objects.filter(organization=organisation, external_id_key__in=keys)
        # The key is a hash: compare the decrypted number too.
        missing += not any(p.external_id == number for p in found)
    return missing


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "var"
    if path.is_dir():
        path = path / "acknowledged_writes.txt"
    if not path.exists():
        print(f"acknowledged writes: none recorded ({path} does not exist)")
        return 1
    wanted = wanted_writes(path)
    checks = {"note": missing_notes, "call": missing_calls, "person": missing_people}
    missing = Counter({kind: checks[kind](rows) for kind, rows in wanted.items()})
    labels = {"note": "case notes", "call": "logged calls", "person": "imported people"}
    for kind, rows in wanted.items():
        total = len(rows)
        print(
            f"acknowledged {labels[kind]}: {total}, found: {total - missing[kind]}, "
            f"missing: {missing[kind]}"
        )
    total = sum(len(rows) for rows in wanted.values())
    lost = sum(missing.values())
    print(f"acknowledged writes: {total}, found: {total - lost}, missing: {lost}")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
