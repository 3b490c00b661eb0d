"""Kyrgyz, Uzbek and Russian names with frequencies, for generated linkage test data.

The demo lists (apps.people.demo_names: 20 given names and 20 family roots per sex)
make about seven different people share each full name in 10,000 records, far more
than a register of Kyrgyzstan shows. These lists are longer and drawn with a Zipf-like
frequency (the n-th name of a list about n**-s as common as the first), so common
names stay common and true namesakes remain, without every name being shared.
The order within a list is a rough popularity order; all the names are common ones
and the people made from them are invented.

Shares of the population drawn: Kyrgyz 72 %, Uzbek 15 %, Russian 13 % (about the
country's census proportions).
"""

import random
from itertools import accumulate

KYRGYZ_FEMALE = """Айгүл Жылдыз Гүлнара Нургүл Айпери Бегимай Асел Мээрим Айзада Чолпон Динара
Гүлзат Бермет Айжан Жамиля Элнура Нуриза Гүлмира Төлкүн Самара Айнура Назгүл Гүлбара Жибек
Калыйса Бактыгүл Айдай Алтынай Асылзат Бурул Венера Гулиза Жазгүл Жаңыл Зарина Зуура Каныкей
Канышай Керимбүбү Күлүйпа Айсулуу Мадина Назира Нуржан Перизат Роза Салтанат Сезим
Сүйүмкан Толгонай Чынара Шайыркүл Эльвира Эркайым Акмөөр Аида Айкөкүл Айтолкун
Бүбүсара Гүлжамал Жумагүл Кенже Күмүшай Нурайым Раиса Саадат Сымбат Таттыбүбү Үмүт""".split()
KYRGYZ_MALE = """Нурлан Азамат Бакыт Эрлан Талант Мирлан Чыңгыз Улан Канат Марат Адилет Айбек
Нурбек Эмил Бекболот Жыргалбек Үсөн Төлөгөн Жоомарт Өмүрбек Алмаз Асылбек Бакытбек Бектур
Дастан Данияр Эрмек Жаныбек Жоламан Замир Исмаил Калыс Кубаныч Курманбек Максат Медет Мелис
Мурат Нурсултан Нурдин Санжар Самат Султан Темирлан Тилек Урмат Эркин Эсен Бахтияр Азат Аскар
Бекжан Байэл Жеңиш Кайрат Мейкин Нуржигит Руслан Садыр Табылды Токтосун Үмөт Элдияр Эржан
Ырыс Абдыкерим Алтынбек Жусуп Кылычбек Мукай Орозбек Сапар Тынчтык""".split()
KYRGYZ_FAMILY_ROOTS = """Асан Жээнбек Абдыкадыр Токтогул Мамыт Сыдык Бакир Осмон Курманбек Жумабай
Сагынбай Кадыр Эсенгул Шаршен Турдубай Өмүрзак Алымбек Маматкул Төлөнбай Үсөн Абдыраим Абдыраман
Акмат Алиев Аманбай Арстанбек Бейшен Бообек Дүйшөн Жусуп Жумаш Жолдош Жапар Исак Ибраим Кочкор
Калыбек Керимбай Кубат Кулмат Мамбет Мамбетали Мырзакмат Мусабек Назарбек Орозбай Осмонкул Сапар
Сатыбалды Султан Табылды Талип Ташиев Темир Токтомуш Токторбай Турсун Тынай Үмөтали Чолпонбай
Шамшиев Эргеш Эшмат Ырысбай Абдылда Абакир Адыл Айтбай Акун Байзак Бакас Бекбол Белек Дыйкан
Жакып Жаныбек Жунус Иманкул Камбар Качкын Кенеш Койчу Көкүм Малабек Молдош Мукаш Нарбай Ниязбек
Омур Ормон Рыскул Садык Самудин Сарыбай Сейит Таалай Тилек Тойчу Төрөкул Түмөнбай Уметали
Шабдан Эркинбай Эсен""".split()
UZBEK_FEMALE = """Дилноза Гулнора Мохира Нигора Шахноза Феруза Дилфуза Малика Зарина Мафтуна Нилуфар
Умида Гулчехра Дилбар Мухаббат Одина Рано Сабина Севара Шахло Юлдуз Зулфия Барно Гулшан Лола
Мадина Нодира Хилола""".split()
UZBEK_MALE = """Шерзод Бахтиёр Рустам Азиз Бобур Жасур Дилшод Фаррух Улугбек Тимур Акмал Анвар
Жахонгир Ильхом Камол Мансур Мирзо Нодир Отабек Равшан Санжар Сардор Тахир Фарход Хуршид Шухрат
Элёр Эркин Абдулла Зафар""".split()
UZBEK_FAMILY_ROOTS = """Карим Юсуп Рахим Азим Турсун Исмаил Абдулла Мирзо Умар Рашид Хасан Усман
Салим Назар Тошмат Холмат Эргаш Юлдаш Сатар Файзулла Мамадали Мадамин Абдурахман Нурмат Шакир
Хамид Жалил Кодир Бакир Мухаммад Гафур Ахмед Ибрагим Убайдулла Арип Алимжан Собир Латип Мамат
Нормат""".split()
RUSSIAN_FEMALE = """Елена Ольга Татьяна Наталья Ирина Светлана Анна Юлия Екатерина Мария Марина
Людмила Галина Валентина Надежда Оксана Виктория Дарья Анастасия Алёна Ксения Любовь Нина Вера
Лариса Евгения Кристина Алина Полина Яна""".split()
RUSSIAN_MALE = """Александр Сергей Дмитрий Андрей Алексей Владимир Евгений Николай Игорь Михаил
Виктор Юрий Олег Павел Максим Иван Артём Денис Роман Константин Вадим Геннадий Валерий Анатолий
Фёдор Борис Григорий Илья Кирилл Степан""".split()
RUSSIAN_FAMILY = """Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров
Морозов Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев
Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев
Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин
Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов
Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов
Власов Мельников Денисов Гаврилов Тихонов Казаков Афанасьев Данилов Савельев Тимофеев Фомин
Чернов Абрамов Мартынов Ефимов Федотов Щербаков Назаров Калинин Исаев Чернышёв Быков Маслов""".split()

# Kyrgyz-style and Russian-style patronymics are both in use; some records have none.
_GROUPS = [
    # share, given F, given M, family roots or names, family from root?, fathers
    (0.72, KYRGYZ_FEMALE, KYRGYZ_MALE, KYRGYZ_FAMILY_ROOTS, True, KYRGYZ_MALE),
    (0.15, UZBEK_FEMALE, UZBEK_MALE, UZBEK_FAMILY_ROOTS, True, UZBEK_MALE),
    (0.13, RUSSIAN_FEMALE, RUSSIAN_MALE, RUSSIAN_FAMILY, False, RUSSIAN_MALE),
]
# Zipf exponents: given names are more concentrated than family names.
GIVEN_EXPONENT = 0.8
FAMILY_EXPONENT = 0.5


def _cumulative(names, exponent):
    return list(accumulate((rank + 1) ** -exponent for rank in range(len(names))))


_WEIGHTS = {id(names): _cumulative(names, GIVEN_EXPONENT) for g in _GROUPS for names in g[1:3]}
_WEIGHTS.update({id(g[3]): _cumulative(g[3], FAMILY_EXPONENT) for g in _GROUPS})


def _draw(names, rng: random.Random) -> str:
    weights = _WEIGHTS.get(id(names)) or _cumulative(names, GIVEN_EXPONENT)
    return rng.choices(names, cum_weights=weights)[0]


def _family_from_root(root: str, sex: str) -> str:
    if root.endswith(("ов", "ев", "иев")):  # a root that is already a family name
        base = root
    elif root[-1] in "йь":
        base = root[:-1] + "ев"
    else:
        base = root + ("ев" if root[-1] in "аеиоуыэюяүө" else "ов")
    return base + ("а" if sex == "F" else "")


def _patronymic(father: str, sex: str, rng: random.Random, kyrgyz_style: float) -> str:
    r = rng.random()
    if r < kyrgyz_style:
        return father + (" кызы" if sex == "F" else " уулу")
    if r < 0.8:
        if father[-1] in "йь":
            stem = father[:-1] + "ев"
        elif father[-1] in "аеиоуыэюяүө":
            stem = father[:-1] + "ов" if father[-1] == "а" else father + "ев"
        else:
            stem = father + "ов"
        return stem + ("на" if sex == "F" else "ич")
    return ""


def make_name(rng: random.Random) -> dict:
    """One fictitious person's name parts in Cyrillic, with sex."""
    sex = rng.choice("FM")
    r = rng.random()
    group = _GROUPS[-1]
    for group in _GROUPS:  # noqa: B007 (the group drawn is the one the loop stops at)
        if r < group[0]:
            break
        r -= group[0]
    _share, female, male, family, from_root, fathers = group
    given = _draw(female if sex == "F" else male, rng)
    family_name = _draw(family, rng)
    family_name = (
        _family_from_root(family_name, sex) if from_root else family_name + "а" * (sex == "F")
    )
    kyrgyz_style = 0.5 if fathers is KYRGYZ_MALE else 0.1 if fathers is UZBEK_MALE else 0.0
    patronymic = _patronymic(_draw(fathers, rng), sex, rng, kyrgyz_style)
    return {"family_name": family_name, "given_name": given, "patronymic": patronymic, "sex": sex}
