"""Fictitious Kyrgyz and Russian names, written the ways registers write them.

Used by `seed_demo` and the benchmarks. Every person made from these lists is
invented; the romanisations imitate the schemes found in real registers
(passport ICAO, Russian-era habits, informal Kyrgyz, Turkic letters).
"""

import random

KYRGYZ_FEMALE = ["Айгүл", "Гүлнара", "Нургүл", "Жылдыз", "Айпери", "Чолпон", "Бегимай", "Гүлзат",
                 "Асел", "Мээрим", "Айзада", "Нуриза", "Жамиля", "Бермет", "Динара", "Элнура",
                 "Айжан", "Самара", "Гүлмира", "Төлкүн"]  # fmt: skip
KYRGYZ_MALE = ["Чыңгыз", "Нурлан", "Бакыт", "Азамат", "Эрлан", "Талант", "Мирлан", "Улан",
               "Жыргалбек", "Бекболот", "Үсөн", "Төлөгөн", "Канат", "Марат", "Адилет",
               "Нурбек", "Эмил", "Айбек", "Жоомарт", "Өмүрбек"]  # fmt: skip
KYRGYZ_FAMILY_ROOTS = ["Төлөнбай", "Жээнбек", "Асан", "Үсөн", "Абдыкадыр", "Токтогул", "Мамыт",
                       "Сыдык", "Бакир", "Осмон", "Курманбек", "Жумабай", "Сагынбай", "Кадыр",
                       "Эсенгул", "Шаршен", "Турдубай", "Өмүрзак", "Алымбек", "Маматкул"]  # fmt: skip
RUSSIAN_FEMALE = ["Анна", "Ольга", "Татьяна", "Елена", "Наталья", "Юлия", "Светлана", "Ирина",
                  "Екатерина", "Мария", "Дарья", "Алёна"]  # fmt: skip
RUSSIAN_MALE = ["Алексей", "Дмитрий", "Сергей", "Андрей", "Николай", "Фёдор", "Юрий", "Евгений",
                "Игорь", "Виктор", "Михаил", "Павел"]  # fmt: skip
RUSSIAN_FAMILY = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов",
                  "Новиков", "Морозов", "Петров", "Волков", "Соловьёв", "Васильев", "Зайцев",
                  "Павлов", "Семёнов", "Голубев", "Виноградов", "Богданов", "Воробьёв"]  # fmt: skip
FATHER_NAMES = ["Асан", "Бакыт", "Сыдык", "Токтогул", "Нурлан", "Марат", "Осмон", "Кадыр"]

_ICAO = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
         "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "ң": "n",
         "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ү": "u",
         "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie",
         "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia"}  # fmt: skip
# Older Russian-era habits: Dj for Ж, -ie-/-yo-, y for й.
_OLD = dict(_ICAO, **{"ж": "dj", "й": "y", "ё": "yo", "ю": "yu", "я": "ya", "х": "h", "е": "e"})
# Informal Kyrgyz: J for Ж, Turkic letters for ө ү ң.
_INFORMAL = dict(_ICAO, **{"ж": "j", "ө": "ö", "ү": "ü", "ң": "ñ", "й": "y", "я": "ya"})
SCHEMES = {"icao": _ICAO, "old": _OLD, "informal": _INFORMAL}


def romanise(text: str, scheme: str = "icao") -> str:
    table = SCHEMES[scheme]
    out = []
    for ch in text:
        low = ch.lower()
        if low in table:
            rep = table[low]
            out.append(rep.capitalize() if ch != low and rep else rep)
        else:
            out.append(ch)
    return "".join(out)


def russian_typed(text: str) -> str:
    """Kyrgyz letters typed on a Russian keyboard (Айгүл -> Айгул)."""
    return text.translate(str.maketrans("ңөүҢӨҮ", "ноуНОУ"))


def family_name(root: str, sex: str) -> str:
    base = root + ("ов" if root[-1] not in "аеиоуыэюяүө" else "ев")
    if root[-1] in "йь":
        base = root[:-1] + "ев"
    return base + ("а" if sex == "F" else "")


def make_name(rng: random.Random) -> dict:
    """One fictitious person's name parts in Cyrillic, with sex."""
    sex = rng.choice("FM")
    if rng.random() < 0.75:
        given = rng.choice(KYRGYZ_FEMALE if sex == "F" else KYRGYZ_MALE)
        family = family_name(rng.choice(KYRGYZ_FAMILY_ROOTS), sex)
        father = rng.choice(FATHER_NAMES)
        if rng.random() < 0.5:
            patronymic = father + (" кызы" if sex == "F" else " уулу")
        elif rng.random() < 0.5:
            patronymic = father + ("овна" if sex == "F" else "ович")
        else:
            patronymic = ""
    else:
        given = rng.choice(RUSSIAN_FEMALE if sex == "F" else RUSSIAN_MALE)
        family = rng.choice(RUSSIAN_FAMILY) + ("а" if sex == "F" else "")
        patronymic = rng.choice(
            ["Сергеевна", "Ивановна"] if sex == "F" else ["Сергеевич", "Иванович"]
        )
        if rng.random() < 0.4:
            patronymic = ""
    return {"family_name": family, "given_name": given, "patronymic": patronymic, "sex": sex}


def spelled(name: dict, rng: random.Random) -> dict:
    """The same name as a register might hold it: Cyrillic or one Latin scheme."""
    style = rng.choice(["cyrillic", "cyrillic_ru", "icao", "old", "informal"])
    if style == "cyrillic":
        return dict(name)
    if style == "cyrillic_ru":
        return {k: russian_typed(v) if k != "sex" else v for k, v in name.items()}
    return {k: romanise(v, style) if k != "sex" else v for k, v in name.items()}
