"""Kyrgyz, Uzbek and Russian names with frequencies, for generated linkage test data.

The demo lists (apps.people.demo_names: 20 given names and 20 family roots per sex)
make about seven different people share each full name in 10,000 records, far more
than a register of Kyrgyzstan shows. These lists are longer and drawn with a Zipf-like
frequency (the n-th name of a list about n**-s as common as the first), so common
names stay common and true namesakes remain, without every name being shared.
The order within a list is a rough popularity order; all the names are common ones
and the people made from them are invented.

Two profiles (docs/decisions/0039):

- "realistic" (the default) is fitted to published counts. Given names: the most
  common name of a year's newborns in Kyrgyzstan is 3.7 % (girls) to 5.2 % (boys) of
  them and the ten most common about 28 % (Ministry of Digital Development, names of
  2021); here the top Kyrgyz name is about 5 %, the top ten about 26 %. Family names:
  in Kazakhstan, whose Turkic family names are made the same way (from an ancestor's
  given name), the most common family name is 0.43 % of the population and the 33 most
  common 4.9 % (Ministry of Justice, 2014); Kyrgyz and Uzbek family names here come from
  the listed roots and from roots compounded the way such names are (Токто+гул,
  Сагын+бай), about 0.7 % for the top one and 11 % for the top 33, so still more
  namesakes than published.
- "dense" is the earlier draw (shorter lists, steeper frequencies: the top Kyrgyz
  given name 14 %, family root 5 %; at 1,000,000 records some 2,000 people share the
  most common full name), kept to compare with figures measured before and as a
  harder test than the country's names.

Shares of the population drawn: Kyrgyz 72 %, Uzbek 15 %, Russian 13 % (about the
country's census proportions).
"""

import random
from dataclasses import dataclass
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

# Less common names, after the lists above (the "dense" profile stops before them).
KYRGYZ_FEMALE_MORE = """Акылай Аруужан Аруузат Айназик Айым Айжамал Айнагүл Айсалкын Гүлайым Гүлсара
Гүлнура Жаркынай Жазира Жийдегүл Замира Зейнеп Камила Кундуз Кыял Мерим Мира Наргиза Нурзат
Раяна Салиха Айлин Амина Фатима Алия Сафия Хадича Алфия Арууке Сайкал Сабира Турсунай Урпия
Фарида Чолпонай Элиза Элмира Жанара Жаннат Айгерим Бүбүкан Дамира Карлыгач Назик Сайрагүл
Суусар Гүлжан Бактыкан""".split()
KYRGYZ_MALE_MORE = """Мухаммед Умар Али Амир Билал Алихан Алинур Нурислам Эмир Усман Айдар Айбол
Алмазбек Арген Аскат Бекзат Бектемир Жанболот Жаныш Жолдошбек Замирбек Иса Камчыбек Кутман
Максатбек Мирбек Нуркан Өмүр Райымбек Рахат Сыймык Таалайбек Талгат Темирбек Төрөбек Уланбек
Чубак Шерали Эламан Элмурат Эсенбек Ыдырыс Аман Акжол Актан Бекнур Жакшылык Кудайберген Манас
Бакай Бекмырза""".split()
UZBEK_FEMALE_MORE = """Азиза Гулноза Дилдора Наргиза Дилобар Солиха Севинч Камола Муниса Зиёда
Мохинур Нафиса Ойгул Робия Сайёра Тамила Фотима Хуршида Шоира Гулбахор Дурдона Зебо Мавлуда
Мунира Нозима Озода Сурайё""".split()
UZBEK_MALE_MORE = """Мустафо Мухаммадали Азизбек Алишер Исломбек Хикматжон Абдурашид Бекзод Достон
Жамшид Зохид Ислом Комил Лазиз Мухиддин Низом Ойбек Пулат Рахмат Саид Тохир Умид Файзулло
Шавкат Шохрух Юсуф Яхё Баходир Гайрат""".split()
# Kyrgyz family names come from an ancestor's given name, itself often a compound
# (Токто+гул, Сагын+бай, Осмон+кул): the roots a register shows run into thousands.
_KYRGYZ_NAME_STARTS = """Ак Алым Аман Асыл Бай Бейше Дөөлөт Дүйшө Жакып Жаны Жээн Жума Кадыр Калы Кара
Касым Кул Курман Көк Мамбет Мамат Мырза Молдо Нур Өмүр Ороз Осмон Сагын Сары Сатыл Сейит Соор
Сулай Табыл Тайчы Темир Токто Төлө Турду Турсун Үсөн Чоро Шаршен Ырыс Эсен Эр Акмат Абды Алтын
Бообек""".split()
_KYRGYZ_NAME_ENDS = "бек бай кул али мат бол жан тай ан гул баев ке".split()


def _compounded(starts, ends, known) -> list[str]:
    """Roots made of a start and an end, in a fixed shuffled order, none already known."""
    roots = [a + b for b in ends for a in starts]
    random.Random(19).shuffle(roots)
    seen = set(known)
    return [r for r in roots if not (r in seen or seen.add(r))]


KYRGYZ_FAMILY_MORE = _compounded(_KYRGYZ_NAME_STARTS, _KYRGYZ_NAME_ENDS, KYRGYZ_FAMILY_ROOTS)
UZBEK_FAMILY_MORE = [
    n for n in dict.fromkeys(UZBEK_MALE + UZBEK_MALE_MORE) if n not in UZBEK_FAMILY_ROOTS
]


@dataclass(frozen=True)
class Group:
    share: float
    female: list[str]
    male: list[str]
    family: list[str]
    family_from_root: bool
    fathers: list[str]
    kyrgyz_style: float  # share of patronymics written "X уулу / X кызы"


@dataclass(frozen=True)
class Profile:
    groups: tuple[Group, ...]
    given_exponent: float
    family_exponent: float


# Kyrgyz-style and Russian-style patronymics are both in use; some records have none.
PROFILES = {
    "realistic": Profile(
        (
            Group(
                0.72,
                KYRGYZ_FEMALE + KYRGYZ_FEMALE_MORE,
                KYRGYZ_MALE + KYRGYZ_MALE_MORE,
                KYRGYZ_FAMILY_ROOTS + KYRGYZ_FAMILY_MORE,
                True,
                KYRGYZ_MALE + KYRGYZ_MALE_MORE,
                0.5,
            ),
            Group(
                0.15,
                UZBEK_FEMALE + UZBEK_FEMALE_MORE,
                UZBEK_MALE + UZBEK_MALE_MORE,
                UZBEK_FAMILY_ROOTS + UZBEK_FAMILY_MORE,
                True,
                UZBEK_MALE + UZBEK_MALE_MORE,
                0.1,
            ),
            Group(0.13, RUSSIAN_FEMALE, RUSSIAN_MALE, RUSSIAN_FAMILY, False, RUSSIAN_MALE, 0.0),
        ),
        given_exponent=0.5,
        family_exponent=0.3,
    ),
    "dense": Profile(
        (
            Group(0.72, KYRGYZ_FEMALE, KYRGYZ_MALE, KYRGYZ_FAMILY_ROOTS, True, KYRGYZ_MALE, 0.5),
            Group(0.15, UZBEK_FEMALE, UZBEK_MALE, UZBEK_FAMILY_ROOTS, True, UZBEK_MALE, 0.1),
            Group(0.13, RUSSIAN_FEMALE, RUSSIAN_MALE, RUSSIAN_FAMILY, False, RUSSIAN_MALE, 0.0),
        ),
        given_exponent=0.8,
        family_exponent=0.5,
    ),
}


_CUMULATIVE: dict[tuple[int, float], list[float]] = {}


def _draw(names: list[str], exponent: float, rng: random.Random) -> str:
    weights = _CUMULATIVE.get((id(names), exponent))
    if weights is None:  # the lists are module constants: one table per list and exponent
        weights = list(accumulate((rank + 1) ** -exponent for rank in range(len(names))))
        _CUMULATIVE[(id(names), exponent)] = weights
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


def make_name(rng: random.Random, profile: str = "realistic") -> dict:
    """One fictitious person's name parts in Cyrillic, with sex."""
    chosen = PROFILES[profile]
    sex = rng.choice("FM")
    r = rng.random()
    group = chosen.groups[-1]
    for group in chosen.groups:  # noqa: B007 (the group drawn is the one the loop stops at)
        if r < group.share:
            break
        r -= group.share
    given = _draw(group.female if sex == "F" else group.male, chosen.given_exponent, rng)
    family_name = _draw(group.family, chosen.family_exponent, rng)
    family_name = (
        _family_from_root(family_name, sex)
        if group.family_from_root
        else family_name + "а" * (sex == "F")
    )
    father = _draw(group.fathers, chosen.given_exponent, rng)
    patronymic = _patronymic(father, sex, rng, group.kyrgyz_style)
    return {"family_name": family_name, "given_name": given, "patronymic": patronymic, "sex": sex}
