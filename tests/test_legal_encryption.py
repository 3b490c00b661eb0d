"""A database dump holds none of legal work's identifying text in plaintext: questions,
advice, defendants' names, official numbers, summaries, attendees, hearing results,
timeline entries, documents and their names."""

# The shared fixtures of tests/legal_fixtures.py are imported by name, then used as
# arguments, which ruff takes for redefinitions.
# ruff: noqa: F811

import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from apps.legal import services
from tests.legal_fixtures import (  # noqa: F401
    lawyer,
    legal_reference,
    proceeding,
    torture_case,
)

SECRETS = {
    "question": "Мени милиция бөлүмүндө сабашты, эмне кылам",
    "advice": "Advised a forensic exam at the Osh bureau the same day",
    "defendant": "Жумабаев Нурбек Асанович",
    "official number": "OSH-CRIM-2025-448812",
    "summary": "Beaten in the Kara-Suu station cell",
    "unavailable reason": "Court registry clerk Мамытова refused copies",
    "attendees": "mother Гүлзат and brother Эмил",
    "result": "Witness Сагынбаев recanted",
    "timeline": "Client moved to her aunt in Кызыл-Кия",
    "document": "VERDICT-TEXT-Жумабаев-guilty",
    "file name": "приговор-Жумабаев.pdf",
    "witness": "Соседка Алымбекова Чолпон",
}


def _fill(lawyer, torture_case):
    services.record_consultation(
        membership=lawyer,
        data={"given_on": date(2025, 5, 1), "channel": "phone", "legal_area": "torture",
              "question": SECRETS["question"], "advice": SECRETS["advice"], "outcome": "advice"},
    )  # fmt: skip
    p = services.open_proceeding(
        membership=lawyer,
        case=torture_case,
        data={"kind": "criminal", "client_role": "victim", "opened_on": date(2025, 1, 10),
              "official_number": SECRETS["official number"]},
    )  # fmt: skip
    stage = services.add_stage(
        membership=lawyer,
        proceeding=p,
        data={"stage_type": "first_instance", "started_on": date(2025, 2, 1),
              "summary": SECRETS["summary"]},
    )  # fmt: skip
    services.record_decision(
        membership=lawyer, stage=stage,
        data={"decision": "conviction", "decided_on": date(2025, 3, 1),
              "verdict_unavailable_reason": SECRETS["unavailable reason"]},
    )  # fmt: skip
    services.attach_document(
        membership=lawyer, stage=stage, kind="verdict",
        uploaded_file=SimpleUploadedFile(SECRETS["file name"], SECRETS["document"].encode()),
    )  # fmt: skip
    services.add_defendant(membership=lawyer, proceeding=p, data={"name": SECRETS["defendant"]})
    services.schedule_hearing(
        membership=lawyer, proceeding=p,
        data={"starts_at": timezone.now() + timedelta(days=3), "court": "Court",
              "attendees": SECRETS["attendees"], "result": SECRETS["result"]},
    )  # fmt: skip
    services.add_timeline_entry(
        membership=lawyer, proceeding=p, happened_on=date(2025, 3, 2), text=SECRETS["timeline"]
    )
    services.add_participant(
        membership=lawyer, proceeding=p, data={"name": SECRETS["witness"], "role": "witness"}
    )
    return p


@pytest.mark.django_db(transaction=True)
def test_database_dump_holds_no_plaintext_legal_text(lawyer, torture_case):
    p = _fill(lawyer, torture_case)
    p.refresh_from_db()
    assert p.official_number == SECRETS["official number"]  # the application reads it back
    assert (
        services.read_document(membership=lawyer, document=p.stages.get().documents.get())
        == SECRETS["document"].encode()
    )
    if connection.vendor == "sqlite":
        connection.close()
        db = Path(connection.settings_dict["NAME"])
        dump = b"".join(f.read_bytes() for f in db.parent.glob(db.name + "*"))
    else:
        if not shutil.which("pg_dump"):
            pytest.skip("pg_dump not installed")
        s = connection.settings_dict
        dump = subprocess.run(
            ["pg_dump", "-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432),
             "-U", s["USER"] or "postgres", s["NAME"]],
            capture_output=True, check=True,
        ).stdout  # fmt: skip
    assert len(dump) > 10_000
    for what, value in SECRETS.items():
        for encoding in ("utf-8", "utf-16-le"):
            assert value.encode(encoding) not in dump, f"{what} found in plaintext"
