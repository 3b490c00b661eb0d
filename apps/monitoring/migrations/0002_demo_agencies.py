"""A handful of FICTITIOUS agencies so that the look-up can be tried out.

Every name starts with "[DEMO]" and every licence number with "DEMO-"; none of them
is a real company. Delete them from the Django admin before going live.
"""

import datetime
import re

from django.db import migrations

DEMO_NOTE = "Fictitious demo record, not a real company."

AGENCIES = [
    {
        "name": "[DEMO] Ak-Bulak Travel & Jobs",
        "other_names": "Ак-Булак Тревел; Ак-Булак Тревел энд Джобс",
        "licence_number": "DEMO-0142",
        "licence_status": "licensed",
        "licence_valid_until": datetime.date(2028, 6, 30),
        "countries": ["RU", "KZ"],
        "city": "Bishkek",
    },
    {
        "name": "[DEMO] Jumush Plus",
        "other_names": "Жумуш Плюс",
        "licence_number": "DEMO-0077",
        "licence_status": "revoked",
        "licence_valid_until": datetime.date(2025, 3, 31),
        "countries": ["TR", "AE"],
        "city": "Osh",
    },
    {
        "name": "[DEMO] Nur Express Staff",
        "other_names": "Нур Экспресс Стафф",
        "licence_number": "",
        "licence_status": "unlicensed",
        "licence_valid_until": None,
        "countries": ["RU", "KR"],
        "city": "Bishkek",
    },
    {
        "name": "[DEMO] Ala-Too Global Recruitment",
        "other_names": "Ала-Тоо Глобал",
        "licence_number": "DEMO-0311",
        "licence_status": "licensed",
        "licence_valid_until": datetime.date(2024, 12, 31),
        "countries": ["AE", "TR"],
        "city": "Karakol",
    },
    {
        "name": "[DEMO] Sary-Özön Career Centre",
        "other_names": "Сары-Өзөн Карьера",
        "licence_number": "",
        "licence_status": "unknown",
        "licence_valid_until": None,
        "countries": ["KZ"],
        "city": "Talas",
    },
]


def _search_text(a):
    # The same as apps.monitoring.services.search_text_for at the time of writing.
    from apps.people.name_keys import fold

    def key(text):
        return re.findall(r"[a-z0-9]+", re.sub(r"i(?=[aeou])", "", fold(text or "")))

    licence = a["licence_number"].lower()
    compact = "".join(ch for ch in licence if ch.isalnum())
    tokens = []
    for tok in [*key(a["name"]), *key(a["other_names"]), *key(licence), licence, compact]:
        if tok and tok not in tokens:
            tokens.append(tok)
    return " ".join(tokens)[:800]


def load(apps, schema_editor):
    RecruitmentAgency = apps.get_model("monitoring", "RecruitmentAgency")
    for a in AGENCIES:
        RecruitmentAgency.objects.get_or_create(
            name=a["name"],
            defaults={**a, "notes": DEMO_NOTE, "search_text": _search_text(a)},
        )


def unload(apps, schema_editor):
    RecruitmentAgency = apps.get_model("monitoring", "RecruitmentAgency")
    RecruitmentAgency.objects.filter(name__in=[a["name"] for a in AGENCIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
