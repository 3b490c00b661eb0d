"""A database dump holds none of the violation and visit records' identifying data in
plaintext: victims', witnesses', perpetrators' and interviewees' names, narratives,
denials and responses."""

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

SECRETS = {
    "victim's family name": "Жээнбекова",
    "victim's given name": "Айчүрөк",
    "officer's name": "Кадырбеков",
    "officer's rank": "майор юстиции Z",
    "title": "Избиение в ИВС Q",
    "description": "Надевали пакет на голову W",
    "place": "кабинет 214 на втором этаже",
    "witness": "Сыйкымбаев",
    "source": "адвокат Ж. Мамытов",
    "intervention response": "Проверка не выявила нарушений V",
    "denied by": "заместитель начальника Усенов",
    "denial reason": "карантин по гриппу K",
    "interviewee": "Абдыкадыров",
    "observation": "следы побоев на руках R",
    "recommendation": "Обеспечить осмотр врачом Y",
    "authority response": "Нет бюджета на врача U",
}


def _fill(monitor):
    from apps.institutions import services as inst
    from apps.violations import services
    from apps.violations.models import ActType, PerpetratorType
    from apps.violations.vocabulary import load_vocabularies

    load_vocabularies(ActType, PerpetratorType)
    event = services.record_incident(
        membership=monitor,
        event={"title": SECRETS["title"], "description": SECRETS["description"],
               "place": SECRETS["place"], "occurred_on": date(2026, 3, 1)},
        victims=[{"given_name": SECRETS["victim's given name"],
                  "family_name": SECRETS["victim's family name"],
                  "act_type": ActType.objects.get(code="suffocation")}],
        perpetrators=[{"given_name": "Бек", "family_name": SECRETS["officer's name"],
                       "position": SECRETS["officer's rank"], "role": "perpetrator",
                       "perpetrator_type": PerpetratorType.objects.get(code="police")}],
    )  # fmt: skip
    services.add_source(
        membership=monitor,
        event=event,
        data={"kind": "witness", "reported_by": SECRETS["source"],
              "witness_given_name": "Азат", "witness_family_name": SECRETS["witness"]},
    )  # fmt: skip
    services.add_intervention(
        membership=monitor,
        event=event,
        data={"kind": "complaint", "made_on": date(2026, 3, 5), "addressee": "Prosecutor",
              "response": SECRETS["intervention response"]},
    )  # fmt: skip
    centre = inst.add_institution(
        membership=monitor, data={"name": "SIZO", "kind": "pre_trial_detention"}
    )
    visit = inst.record_visit(
        membership=monitor,
        institution=centre,
        data={"kind": "ad_hoc", "visited_on": date(2026, 3, 6), "access": "partial",
              "denied_by": SECRETS["denied by"], "denial_reason": SECRETS["denial reason"]},
    )  # fmt: skip
    inst.add_observation(
        membership=monitor, visit=visit, topic="treatment", text=SECRETS["observation"]
    )
    inst.add_interview(
        membership=monitor,
        visit=visit,
        data={"given_name": "Эмил", "family_name": SECRETS["interviewee"], "category": "detainee"},
    )
    rec = inst.add_recommendation(
        membership=monitor,
        data={"kind": "urgent", "text": SECRETS["recommendation"], "addressee": "Ministry",
              "visit": visit},
    )  # fmt: skip
    inst.record_response(
        membership=monitor,
        recommendation=rec,
        data={"status": "rejected", "response": SECRETS["authority response"]},
    )
    return event


@pytest.mark.django_db(transaction=True)
def test_database_dump_holds_no_violation_or_visit_secrets(org, make_member):
    monitor = make_member(org, "monitor")
    event = _fill(monitor)
    event.refresh_from_db()
    assert event.description == SECRETS["description"]  # still readable by the product
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
        assert b"CREATE TABLE" in dump
    assert len(dump) > 10_000
    for what, value in SECRETS.items():
        for encoding in ("utf-8", "utf-16-le"):
            assert value.encode(encoding) not in dump, f"{what} found in plaintext"
