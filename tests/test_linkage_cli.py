"""`manage.py link_people` on a CSV file, and what never leaves memory: the linker
writes nothing decrypted to disk, and the duplicate tables hold no identity."""

import csv
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from apps.linkage import engine

ROWS = [
    # id, family_name, given_name, patronymic, sex, birth_date, phone, document_number, notes
    ("a1", "Сооронбаева", "Айгүл", "Асан кызы", "F", "1995-03-14", "0555 11 22 33", "", "x"),
    ("a2", "Sooronbaeva", "Aigul", "Asanovna", "F", "19950314", "", "", "y"),
    ("a3", "Aigul", "Sooronbaeva", "", "F", "1995-14-03"[:4] + "-03", "+996555112233", "", ""),
    ("b1", "Осмонов", "Нурлан", "Асанович", "M", "1980", "", "AN1234567", ""),
    ("b2", "Osmonov", "Nurlan", "Asan uulu", "M", "1980-05-02", "", "an 123 45 67", ""),
    ("c1", "Иванова", "Анна", "Сергеевна", "F", "1970-01-01", "", "", ""),
    ("d1", "Бакирова", "Жамиля", "", "F", "2001-02-03", "", "", ""),
]
HEADER = "id,family_name,given_name,patronymic,sex,birth_date,phone,document_number,notes".split(
    ","
)


def _write(path: Path, rows=ROWS, header=HEADER):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def _read(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_link_people_writes_pairs_and_clusters(tmp_path):
    source, pairs, clusters = tmp_path / "in.csv", tmp_path / "pairs.csv", tmp_path / "c.csv"
    _write(source)
    call_command(
        "link_people",
        "--input", str(source), "--output", str(pairs), "--threshold", "0.8",
        "--clusters", str(clusters),
    )  # fmt: skip
    found = _read(pairs)
    assert list(found[0]) == ["id_l", "id_r", "probability"]
    linked = {frozenset((r["id_l"], r["id_r"])) for r in found}
    assert frozenset(("a1", "a2")) in linked
    assert frozenset(("b1", "b2")) in linked
    assert not any("c1" in p or "d1" in p for p in linked)
    assert all(0.8 <= float(r["probability"]) <= 1 for r in found)
    cluster = {r["id"]: r["cluster_id"] for r in _read(clusters)}
    assert set(cluster) == {r[0] for r in ROWS}
    assert cluster["a1"] == cluster["a2"] == cluster["a3"]
    assert cluster["b1"] == cluster["b2"] != cluster["a1"]
    assert cluster["c1"] != cluster["d1"]
    # Only ids and probabilities leave the run.
    assert "Sooronbaeva" not in pairs.read_text() + clusters.read_text()


def test_missing_columns_duplicate_ids_and_bad_threshold_are_refused(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    _write(source, rows=[("1", "x")], header=["id", "family_name"])
    with pytest.raises(CommandError, match="given_name"):
        call_command("link_people", "--input", str(source), "--output", str(out))
    _write(source, rows=[ROWS[0], ROWS[0]])
    with pytest.raises(CommandError, match="used twice"):
        call_command("link_people", "--input", str(source), "--output", str(out))
    _write(source)
    with pytest.raises(CommandError, match="between 0 and 1"):
        call_command(
            "link_people", "--input", str(source), "--output", str(out), "--threshold", "1.5"
        )
    assert not out.exists()


def test_linker_writes_nothing_to_disk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    records = [
        {"id": i, "family_name": family, "given_name": given, "birth_date": born}
        for i, (_, family, given, _p, _s, born, *_rest) in enumerate(ROWS)
    ]
    result = engine.link(records, threshold=0.5, clusters=True)
    assert result.pairs
    assert list(tmp_path.iterdir()) == []
    con = engine._db_api().duckdb_con
    assert con.execute("SELECT current_setting('temp_directory')").fetchone()[0] == ""


@pytest.mark.django_db(transaction=True)
def test_duplicate_tables_hold_no_identity(org, make_member, make_person):
    from apps.linkage.batch import find_duplicates
    from apps.linkage.models import DuplicatePair
    from apps.linkage.services import merge_people

    admin = make_member(org, "org_admin")
    a = make_person(admin, family_name="Жээнбекова", given_name="Гүлзада", birth_date="1994-05-17")
    b = make_person(admin, family_name="Djeenbekova", given_name="Gulzada", birth_date="1994-05-17")
    find_duplicates(admin)
    assert DuplicatePair.objects.count() == 1
    merge_people(admin, survivor=a, merged=b)
    if connection.vendor == "sqlite":
        connection.close()
        db = Path(connection.settings_dict["NAME"])
        dump = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    else:
        if not shutil.which("pg_dump"):
            pytest.skip("pg_dump not installed")
        s = connection.settings_dict
        dump = subprocess.run(
            ["pg_dump", "-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432),
             "-U", s["USER"] or "postgres", s["NAME"]],
            capture_output=True, check=True,
        ).stdout  # fmt: skip
    for secret in ("Жээнбекова", "Djeenbekova", "Gulzada", "Гүлзада", "1994-05-17", "jenbekov"):
        for encoding in ("utf-8", "utf-16-le"):
            assert secret.encode(encoding) not in dump, secret
