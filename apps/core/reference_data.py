"""Koldoo's starting taxonomies: (code, English, Russian, Kyrgyz, HTCDS v2 value name).

Loaded into ReferenceValue by a data migration; admins may add values later.
Codes are the register-import codes; HTCDS names come from
../shared/domain/standards/ where the two overlap.
"""

CASE_TYPES = [
    ("trafficking", "Trafficking in persons", "Торговля людьми", "Адам сатуу", ""),
    ("labour_rights", "Labour-migrant rights", "Права трудовых мигрантов", "Эмгек мигранттарынын укуктары", ""),
    ("legal_aid", "Legal aid", "Юридическая помощь", "Юридикалык жардам", ""),
    ("domestic_violence", "Domestic violence", "Домашнее насилие", "Үй-бүлөлүк зомбулук", ""),
    ("torture", "Torture and ill-treatment", "Пытки и жестокое обращение", "Кыйноо жана ырайымсыз мамиле", ""),
    ("other", "Other", "Другое", "Башка", ""),
]  # fmt: skip

EXPLOITATION = [
    ("sexual", "Sexual exploitation", "Сексуальная эксплуатация", "Сексуалдык эксплуатация", "SexualExploitation"),
    ("forced_labour", "Forced labour", "Принудительный труд", "Мажбурлап иштетүү", "ForcedLabour"),
    ("forced_begging", "Forced begging", "Принудительное попрошайничество", "Мажбурлап кайыр суратуу", "ForcedBegging"),
    ("forced_criminality", "Forced criminality", "Принуждение к преступной деятельности", "Кылмыштуу ишке мажбурлоо", "Other"),
    ("forced_marriage", "Forced marriage, bride kidnapping", "Принудительный брак, похищение невест", "Мажбурлап нике, кыз ала качуу", "ForcedMarriage"),
    ("debt_collateral", "Held as collateral for debts", "Удержание в залог долга", "Карыз үчүн күрөө катары кармоо", "Servitude"),
    ("armed_conflict", "Coerced participation in armed conflict", "Принуждение к участию в вооружённом конфликте", "Куралдуу кагылышууга мажбурлап катыштыруу", "ForcedMilitaryByNonStateActors"),
    ("organ_removal", "Organ removal", "Изъятие органов", "Органдарды алуу", "OrganRemoval"),
    ("domestic_servitude", "Domestic servitude", "Домашнее рабство", "Үй кулчулугу", "Servitude"),
    ("other", "Other", "Другое", "Башка", "Other"),
]  # fmt: skip

RECRUITMENT_CHANNELS = [
    ("licensed_agency", "Licensed job-placement agency", "Лицензированное кадровое агентство", "Лицензиясы бар жумушка орноштуруу агенттиги", "AtAPlaceOfBusiness"),
    ("unlicensed_agency", "Unlicensed job-placement agency", "Нелицензированное кадровое агентство", "Лицензиясы жок жумушка орноштуруу агенттиги", "AtAPlaceOfBusiness"),
    ("marriage_agency", "Marriage agency", "Брачное агентство", "Нике агенттиги", "AtAPlaceOfBusiness"),
    ("modelling_tourist_agency", "Modelling or tourist agency", "Модельное или туристическое агентство", "Модель же туристтик агенттик", "AtAPlaceOfBusiness"),
    ("newspaper_ad", "Newspaper advertisement", "Объявление в газете", "Гезиттеги жарнама", "ThroughANewspaperAdvert"),
    ("online_ad", "Online advertisement or social network", "Объявление в интернете или соцсети", "Интернеттеги же социалдык тармактагы жарнама", "ThroughOnlineSocialNetworks"),
    ("acquaintance", "Acquaintance or fellow villager", "Знакомый или односельчанин", "Тааныш же айылдашы", "ThroughFriendsOrSocialEvents"),
    ("family", "Family member", "Член семьи", "Үй-бүлө мүчөсү", "ThroughFamilyOrFamilyEvents"),
    ("driver_fare", "Driver who lent the fare", "Водитель, одолживший деньги на проезд", "Жол киресин карызга берген айдоочу", "Other"),
    ("kidnapping", "Kidnapping", "Похищение", "Уурдап кетүү", "Other"),
    ("other", "Other", "Другое", "Башка", "Other"),
]  # fmt: skip

MEANS_OF_CONTROL = [
    ("document_retention", "Passport or documents taken", "Изъятие паспорта или документов", "Паспортту же документтерди алып коюу", "WithholdsDocuments"),
    ("debt_bondage", "Debt bondage", "Долговая кабала", "Карыз кулчулугу", "DebtBondage"),
    ("withheld_wages", "Wages withheld or cut", "Удержание или урезание зарплаты", "Эмгек акыны кармоо же кыскартуу", "TakesEarnings"),
    ("sold_on", "Sold on to another owner", "Перепродажа другому хозяину", "Башка ээсине кайра сатуу", "Other"),
    ("threats", "Threats", "Угрозы", "Коркутуу", "PhysicalThreats"),
    ("threats_family", "Threats to family", "Угрозы семье", "Үй-бүлөсүн коркутуу", "ThreatensChildrenFamily"),
    ("violence", "Physical violence", "Физическое насилие", "Физикалык зомбулук", "PhysicalAbuse"),
    ("sexual_violence", "Sexual violence", "Сексуальное насилие", "Сексуалдык зомбулук", "SexualAbuse"),
    ("isolation", "Isolation, confinement", "Изоляция, лишение свободы", "Обочолотуу, камап коюу", "WithholdsNecessities"),
    ("false_promises", "False promises", "Ложные обещания", "Жалган убадалар", "FalsePromises"),
    ("police_threats", "Threats of police or deportation", "Угрозы полицией или депортацией", "Полиция же депортация менен коркутуу", "ThreatsLawEnforcement"),
    ("excessive_hours", "Excessive working hours", "Чрезмерная продолжительность работы", "Ашыкча узак иш убактысы", "ExcessiveWorkingHours"),
    ("substances", "Drugs or alcohol", "Наркотики или алкоголь", "Баңгизат же спирт ичимдиги", "PsychoactiveSubstance"),
    ("other", "Other", "Другое", "Башка", "Other"),
]  # fmt: skip

CLOSURE_REASONS = [
    ("goals_achieved", "Goals of assistance achieved", "Цели помощи достигнуты", "Жардамдын максаттарына жетишилди", "Closed"),
    ("referred", "Referred to another organisation", "Передан в другую организацию", "Башка уюмга жөнөтүлдү", "ClosedReferred"),
    ("client_declined", "Client declined further help", "Клиент отказался от дальнейшей помощи", "Кардар андан аркы жардамдан баш тартты", "Closed"),
    ("lost_contact", "Contact lost", "Связь потеряна", "Байланыш үзүлдү", "Closed"),
    ("moved_away", "Client moved away", "Клиент уехал", "Кардар көчүп кетти", "Closed"),
    ("deceased", "Client deceased", "Клиент умер", "Кардар каза болду", "Closed"),
    ("duplicate", "Duplicate record", "Дублирующая запись", "Кайталанган жазуу", "Closed"),
    ("other", "Other", "Другое", "Башка", "Closed"),
]  # fmt: skip

REGIONS = [
    ("batken", "Batken region", "Баткенская область", "Баткен облусу", ""),
    ("chuy", "Chuy region", "Чуйская область", "Чүй облусу", ""),
    ("issyk_kul", "Issyk-Kul region", "Иссык-Кульская область", "Ысык-Көл облусу", ""),
    ("jalal_abad", "Jalal-Abad region", "Джалал-Абадская область", "Жалал-Абад облусу", ""),
    ("naryn", "Naryn region", "Нарынская область", "Нарын облусу", ""),
    ("osh", "Osh region", "Ошская область", "Ош облусу", ""),
    ("talas", "Talas region", "Таласская область", "Талас облусу", ""),
    ("bishkek", "Bishkek city", "город Бишкек", "Бишкек шаары", ""),
    ("osh_city", "Osh city", "город Ош", "Ош шаары", ""),
]  # fmt: skip

# Languages without names here are named from CLDR when loaded (cldr_name below).
LANGUAGES = [
    ("ky", "", "", "", ""),
    ("ru", "", "", "", ""),
    ("uz", "", "", "", ""),
    ("tg", "", "", "", ""),
    ("en", "", "", "", ""),
    ("other", "Other", "Другой", "Башка", ""),
]  # fmt: skip

CALL_TOPICS = [
    ("safe_migration", "Safe migration and legal work abroad", "Безопасная миграция и легальная работа за рубежом", "Коопсуз миграция жана чет өлкөдө мыйзамдуу иштөө", ""),
    ("agency_check", "Checking a recruitment agency or job offer", "Проверка кадрового агентства или предложения работы", "Жумушка орноштуруу агенттигин же жумуш сунушун текшерүү", ""),
    ("labour_rights", "Labour rights abroad", "Трудовые права за рубежом", "Чет өлкөдөгү эмгек укуктары", ""),
    ("missing_relative", "Missing relative", "Пропавший родственник", "Дайынсыз жоголгон тууган", ""),
    ("danger_now", "Person in danger now", "Человек в опасности сейчас", "Азыр коркунучта турган адам", ""),
    ("trafficking_report", "Trafficking report", "Сообщение о торговле людьми", "Адам сатуу тууралуу билдирүү", ""),
    ("domestic_violence", "Domestic violence", "Домашнее насилие", "Үй-бүлөлүк зомбулук", ""),
    ("documents_consular", "Documents and consular help", "Документы и консульская помощь", "Документтер жана консулдук жардам", ""),
    ("return_reintegration", "Return and reintegration", "Возвращение и реинтеграция", "Кайтып келүү жана реинтеграция", ""),
    ("other", "Other", "Другое", "Башка", ""),
]  # fmt: skip

TAXONOMIES = {
    "case_type": CASE_TYPES,
    "exploitation": EXPLOITATION,
    "recruitment_channel": RECRUITMENT_CHANNELS,
    "means_of_control": MEANS_OF_CONTROL,
    "closure_reason": CLOSURE_REASONS,
    "region": REGIONS,
    "language": LANGUAGES,
    "call_topic": CALL_TOPICS,
}


# Country and language names come from the Unicode CLDR (through Babel), which keeps
# Kyrgyz and Russian names up to date ("Türkiye", "Eswatini", "North Macedonia").
# Official names where CLDR differs from the Kyrgyz Republic's own usage:
OFFICIAL_NAMES = {
    # CLDR's Russian says "Киргизия"; the Constitution and official Russian-language
    # documents of the Kyrgyz Republic say "Кыргызстан" (Кыргызская Республика).
    ("country", "KG", "ru"): "Кыргызстан",
    # ...and name the state language "кыргызский", not CLDR's "киргизский".
    ("language", "ky", "ru"): "Кыргызский",
    # CLDR's Kyrgyz still has the name used before the kingdom's renaming in 2018.
    ("country", "SZ", "ky"): "Эсватини",
}
NAME_LANGUAGES = ("en", "ru", "ky")


def cldr_name(kind: str, code: str, lang: str) -> str | None:
    """The name of a country (ISO 3166-1 alpha-2) or a language (ISO 639-1) in `lang`,
    from CLDR with the official overrides above; None if CLDR has no name for it."""
    from babel import Locale

    official = OFFICIAL_NAMES.get((kind, code, lang))
    if official:
        return official
    names = Locale.parse(lang).territories if kind == "country" else Locale.parse(lang).languages
    name = names.get(code if kind == "country" else code.lower())
    # Language names are lower case in running text; a pick list starts them upper case.
    return name[:1].upper() + name[1:] if name else None


def country_rows():
    """Every ISO 3166-1 country (the list from pycountry) with its English, Russian and
    Kyrgyz name from CLDR."""
    import pycountry

    rows = []
    for c in pycountry.countries:
        en, ru, ky = (cldr_name("country", c.alpha_2, lang) or c.name for lang in NAME_LANGUAGES)
        rows.append((c.alpha_2, en, ru, ky, c.alpha_2))
    return rows


def _country_order(rows) -> list:
    return sorted(
        rows,
        key=lambda r: (FIRST_COUNTRIES.index(r[0]) if r[0] in FIRST_COUNTRIES else 99, r[1]),
    )


def apply_cldr_names(model) -> None:
    """Rename every country and language value from CLDR (codes CLDR does not know, such
    as "other", keep their names), and put countries back in pick-list order."""
    for value in model.objects.filter(kind__in=("country", "language")):
        names = {lang: cldr_name(value.kind, value.code, lang) for lang in NAME_LANGUAGES}
        if not all(names.values()):
            continue
        model.objects.filter(pk=value.pk).update(
            name_en=names["en"], name_ru=names["ru"], name_ky=names["ky"]
        )
    order = {code: i for i, (code, *_rest) in enumerate(_country_order(country_rows()))}
    for value in model.objects.filter(kind="country", code__in=order):
        model.objects.filter(pk=value.pk).update(sort_order=order[value.code])


# The countries of the field first in pick lists, then the rest by English name.
FIRST_COUNTRIES = ["KG", "RU", "KZ", "TR", "AE", "CN", "KR", "UZ", "TJ", "TM", "SY", "IN", "UA", "CZ", "DE"]  # fmt: skip


def load_reference_values(model) -> None:
    """Insert the starting taxonomies and countries into an empty ReferenceValue table."""
    rows = []
    for kind, values in TAXONOMIES.items():
        for order, (code, en, ru, ky, htcds) in enumerate(values):
            if not en:
                en, ru, ky = (cldr_name(kind, code, lang) for lang in NAME_LANGUAGES)
            rows.append((kind, order, code, en, ru, ky, htcds))
    for order, (code, en, ru, ky, htcds) in enumerate(_country_order(country_rows())):
        rows.append(("country", order, code, en, ru, ky, htcds))
    model.objects.bulk_create(
        model(kind=kind, sort_order=order, code=code, name_en=en, name_ru=ru, name_ky=ky,
              htcds_value=htcds)
        for kind, order, code, en, ru, ky, htcds in rows
    )  # fmt: skip
