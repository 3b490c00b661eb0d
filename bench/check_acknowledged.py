"""Find every case note the load run saw acknowledged (bench/var/acknowledged_notes.txt).

Run against the same database as the server: prints how many were found and exits 1
if any is missing (a write the server confirmed and then lost).
"""

import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koldoo.settings")
django.setup()

from apps.cases.models import CaseNote  # noqa: E402

path = Path(__file__).parent / "var" / "acknowledged_notes.txt"
wanted: dict[int, set[str]] = {}
for line in path.read_text(encoding="utf-8").split("\n"):
    if line.strip():
        case_id, marker = line.split()
        wanted.setdefault(int(case_id), set()).add(marker)
missing = 0
for case_id, markers in wanted.items():
    # Bodies are encrypted: read the case's notes and look for the markers.
    bodies = " ".join(CaseNote.objects.filter(case_id=case_id).values_list("body", flat=True))
    missing += sum(1 for m in markers if m not in bodies)
total = sum(len(m) for m in wanted.values())
print(f"acknowledged notes: {total}, found: {total - missing}, missing: {missing}")
sys.exit(1 if missing else 0)
