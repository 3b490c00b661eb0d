"""The starting vocabularies: (code, broader code, English, Russian, Kyrgyz).

Loaded by a data migration; admins extend them in the Django admin. Codes never change,
statistics group by the top-level code. Inspired by HURIDOCS' Micro-thesauri, kept
to what monitors in Kyrgyzstan record."""

ACT_TYPES = [
    ("torture_ill_treatment", None, "Torture and ill-treatment", "Пытки и жестокое обращение", "Кыйноо жана ырайымсыз мамиле"),
    ("beating", "torture_ill_treatment", "Beating", "Избиение", "Сабоо"),
    ("suffocation", "torture_ill_treatment", "Suffocation (bag, gas mask)", "Удушение (пакет, противогаз)", "Муунтуу (баштык, газ чүмбөт)"),
    ("electric_shock", "torture_ill_treatment", "Electric shock", "Электрошок", "Электр тогу менен кыйноо"),
    ("stress_positions", "torture_ill_treatment", "Stress positions, restraint", "Мучительные позы, сковывание", "Кыйноочу абалда кармоо, кишендөө"),
    ("psychological_torture", "torture_ill_treatment", "Psychological torture, humiliation", "Психологические пытки, унижение", "Психологиялык кыйноо, басмырлоо"),
    ("degrading_conditions", "torture_ill_treatment", "Inhuman or degrading conditions", "Бесчеловечные или унижающие условия", "Адамгерчиликсиз же кемсинткен шарттар"),
    ("sexual_violence", None, "Sexual violence", "Сексуальное насилие", "Сексуалдык зомбулук"),
    ("arbitrary_detention", None, "Arbitrary detention", "Произвольное задержание", "Мыйзамсыз кармоо"),
    ("death_in_custody", None, "Death in custody", "Смерть под стражей", "Камакта каза болуу"),
    ("denial_medical_care", None, "Denial of medical care", "Отказ в медицинской помощи", "Медициналык жардамдан баш тартуу"),
    ("denial_lawyer", None, "Denial of access to a lawyer", "Отказ в доступе к адвокату", "Адвокатка жеткиликтүүлүктөн баш тартуу"),
    ("threats", None, "Threats and intimidation", "Угрозы и запугивание", "Коркутуу"),
    ("labour_abuse", None, "Labour rights abuse", "Нарушение трудовых прав", "Эмгек укуктарын бузуу"),
    ("forced_labour", "labour_abuse", "Forced labour", "Принудительный труд", "Мажбурлап иштетүү"),
    ("wage_theft", "labour_abuse", "Wage theft", "Невыплата заработной платы", "Эмгек акыны төлөбөө"),
    ("document_retention", "labour_abuse", "Retention of identity documents", "Удержание документов", "Документтерди кармап калуу"),
    ("extortion", None, "Extortion", "Вымогательство", "Опузалап талап кылуу"),
    ("other", None, "Other", "Другое", "Башка"),
]  # fmt: skip

PERPETRATOR_TYPES = [
    ("state_agent", None, "State agent", "Представитель государства", "Мамлекеттин өкүлү"),
    ("police", "state_agent", "Police", "Милиция", "Милиция"),
    ("prison_staff", "state_agent", "Prison or detention staff", "Сотрудники мест лишения свободы", "Эркинден ажыратуу жайларынын кызматкерлери"),
    ("security_service", "state_agent", "Security service", "Служба безопасности", "Улуттук коопсуздук кызматы"),
    ("official", "state_agent", "Other official", "Другое должностное лицо", "Башка кызмат адамы"),
    ("medical_staff", "state_agent", "Medical staff of an institution", "Медицинский персонал учреждения", "Мекеменин медициналык кызматкерлери"),
    ("private", None, "Private person or business", "Частное лицо или предприятие", "Жеке адам же ишкана"),
    ("employer", "private", "Employer", "Работодатель", "Иш берүүчү"),
    ("recruiter", "private", "Recruiter or agency", "Вербовщик или агентство", "Жалдоочу же агенттик"),
    ("co_detainee", "private", "Another detainee", "Другой заключённый", "Башка камактагы адам"),
    ("unknown", None, "Unknown", "Неизвестно", "Белгисиз"),
]  # fmt: skip


def load_vocabularies(act_type_model, perpetrator_type_model) -> None:
    """Create the terms that are missing (used by the migration and by tests that flush)."""
    for model, rows in ((act_type_model, ACT_TYPES), (perpetrator_type_model, PERPETRATOR_TYPES)):
        by_code = {}
        for order, (code, parent, en, ru, ky) in enumerate(rows):
            term, _created = model.objects.get_or_create(
                code=code,
                defaults={
                    "parent": by_code.get(parent),
                    "name_en": en,
                    "name_ru": ru,
                    "name_ky": ky,
                    "sort_order": order * 10,
                },
            )
            by_code[code] = term
