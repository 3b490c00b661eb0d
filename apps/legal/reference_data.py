"""Starting reference data of legal work: criminal-code articles per edition and the
rules that compute procedural deadlines. Loaded by a data migration; admins may add
more. Titles and periods are provisional until the organisation's lawyers check them
(docs/decisions/0019-legal-reference-data.md)."""

# (edition, number, English, Russian, Kyrgyz)
ARTICLES = [
    ("2016", "124", "Trafficking in persons", "Торговля людьми", "Адам сатуу"),
    ("2016", "260", "Involving in prostitution", "Вовлечение в занятие проституцией", "Сойкучулукка тартуу"),
    ("2016", "261", "Organising or keeping brothels", "Организация или содержание притонов", "Бузулган жайларды уюштуруу же кармоо"),
    ("2016", "346", "Exceeding official powers", "Превышение должностных полномочий", "Кызматтык ыйгарым укуктарды ашыра пайдалануу"),
    ("2016", "350", "Torture", "Пытки", "Кыйноолор"),
    ("2021", "166", "Trafficking in persons", "Торговля людьми", "Адам сатуу"),
    ("2021", "167", "Use of forced labour", "Использование принудительного труда", "Мажбурлап иштетүүнү пайдалануу"),
    ("2021", "170", "Involving in prostitution", "Вовлечение в занятие проституцией", "Сойкучулукка тартуу"),
    ("2021", "159", "Torture", "Пытки", "Кыйноолор"),
]  # fmt: skip

# (code, English, Russian, Kyrgyz, days, day kind, counted from)
DEADLINE_RULES = [
    ("appeal", "Appeal against a first-instance verdict", "Апелляционная жалоба на приговор", "Өкүмгө апелляциялык даттануу", 15, "calendar", "receipt"),
    ("cassation", "Cassation complaint", "Кассационная жалоба", "Кассациялык даттануу", 180, "calendar", "decision"),
    ("refusal_complaint", "Complaint against a refusal to open a criminal case", "Жалоба на отказ в возбуждении уголовного дела", "Кылмыш ишин козгоодон баш тартууга даттануу", 10, "working", "receipt"),
    ("termination_complaint", "Complaint against termination of a case", "Жалоба на прекращение дела", "Ишти токтотууга даттануу", 10, "working", "receipt"),
    ("civil_appeal", "Appeal against a civil judgment", "Апелляционная жалоба на решение по гражданскому делу", "Жарандык иш боюнча чечимге апелляциялык даттануу", 30, "calendar", "decision"),
]  # fmt: skip


def load_legal_reference(article_model, rule_model) -> None:
    """Insert the starting articles and deadline rules that are missing."""
    for edition, number, en, ru, ky in ARTICLES:
        article_model.objects.get_or_create(
            edition=edition,
            number=number,
            defaults={"title_en": en, "title_ru": ru, "title_ky": ky},
        )
    for code, en, ru, ky, days, kind, from_event in DEADLINE_RULES:
        rule_model.objects.get_or_create(
            code=code,
            defaults={
                "name_en": en,
                "name_ru": ru,
                "name_ky": ky,
                "days": days,
                "day_kind": kind,
                "from_event": from_event,
            },
        )
