"""The benchmarks' database: a dedicated PostgreSQL database loaded with COPY.

Not a test fixture. `setup()` points Django at DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/koldoo_bench), creates that database if it
is missing and migrates it. `ensure_people()` and `ensure_cases()` load
1,000,000 fictitious people (with their blind-index keys) and 1,000,000 cases
once; later runs reuse them unless asked to reload.

Every person is generated from a random generator seeded by the person's
number, so a benchmark can regenerate any person's original (Cyrillic) name
and stored spelling from the id alone. Identifying columns hold real Fernet
tokens (apps.core.crypto.encrypt_text) and the name keys are the output of
apps.people.services.name_key_hashes, the function the application uses.

The encryption keys are kept in bench/var/keys.json (KOLDOO_KEY_FILE), apart
from the development keys, so the loaded data stays readable between runs.
"""

import datetime as dt
import json
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/koldoo_bench"

# KOLDOO_BENCH_PEOPLE / KOLDOO_BENCH_CASES shrink the data for a quick trial run.
N_PEOPLE = int(os.environ.get("KOLDOO_BENCH_PEOPLE", 1_000_000))  # main organisation
N_SMALL = 5_000  # second organisation (same generator, other seed, other index key)
N_CASES = int(os.environ.get("KOLDOO_BENCH_CASES", 1_000_000))
N_WORKERS = 20  # users the cases are assigned to (the benchmark user is one of them)
CHUNK = 20_000
DATA_VERSION = "people-v3"  # bump when the generator or the row layout changes
CASES_VERSION = "cases-v1"

MAIN = {"slug": "bench-main", "name": "Bench NGO (1M people)", "seed": "koldoo-bench-main"}
SMALL = {"slug": "bench-small", "name": "Bench shelter (small)", "seed": "koldoo-bench-small"}
WORKER_EMAIL = "bench-worker-00@example.org"

PERSON_COLUMNS = (
    "id",
    "organization_id",
    "external_id",
    "family_name",
    "given_name",
    "patronymic",
    "other_names",
    "sex",
    "birth_date",
    "birth_year",
    "citizenship",
    "region",
    "district",
    "phones",
    "document_numbers",
    "address",
    "languages",
    "disabilities",
    "hide_name",
    "version",
    "created_at",
    "updated_at",
    "created_by_id",
)
CASE_COLUMNS = (
    "id",
    "organization_id",
    "person_id",
    "case_type",
    "status",
    "closure_reason",
    "assigned_to_id",
    "exploitation",
    "countries_of_recruitment",
    "countries_of_transit",
    "countries_of_exploitation",
    "recruitment_channel",
    "means_of_control",
    "opened_on",
    "exploitation_began_on",
    "exploitation_ended_on",
    "closed_on",
    "version",
    "created_at",
    "updated_at",
    "created_by_id",
)


def log(*args) -> None:
    print(*args, flush=True)


# --- connection and schema ---------------------------------------------------


def database_url() -> str:
    return os.environ["DATABASE_URL"]


def _admin_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def _conninfo(url: str) -> str:
    # psycopg accepts postgres:// URLs as they are.
    return url


def setup() -> None:
    """Environment, database (created if missing), django.setup() and migrate."""
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ["DJANGO_SETTINGS_MODULE"] = "koldoo.settings"
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("KOLDOO_KEY_FILE", str(ROOT / "bench" / "var" / "keys.json"))
    _create_database_if_missing(database_url())

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    with connect() as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_state ("
            " name text PRIMARY KEY, value text NOT NULL, updated_at timestamptz DEFAULT now())"
        )


def _create_database_if_missing(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_conninfo(_admin_url(url)), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def connect():
    """A psycopg connection to the benchmark database (autocommit)."""
    import psycopg

    return psycopg.connect(_conninfo(database_url()), autocommit=True)


def state_get(conn, name: str):
    row = conn.execute("SELECT value FROM bench_state WHERE name = %s", [name]).fetchone()
    return json.loads(row[0]) if row else None


def state_set(conn, name: str, value) -> None:
    conn.execute(
        "INSERT INTO bench_state (name, value) VALUES (%s, %s)"
        " ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = now()",
        [name, json.dumps(value)],
    )


def state_del(conn, name: str) -> None:
    conn.execute("DELETE FROM bench_state WHERE name = %s", [name])


def _secondary_ddl(conn, table: str) -> list[str]:
    """Statements that re-create a table's indexes (not the primary key) and foreign keys."""
    rows = conn.execute(
        "SELECT pg_get_indexdef(x.indexrelid) FROM pg_index x"
        " WHERE x.indrelid = %s::regclass AND NOT x.indisprimary ORDER BY x.indexrelid",
        [table],
    ).fetchall()
    ddl = [r[0] for r in rows]
    rows = conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [table],
    ).fetchall()
    ddl += [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, definition in rows
    ]
    return ddl


def _drop_secondary(conn, table: str) -> list[str]:
    """Drop indexes and foreign keys before a bulk load; return what re-creates them.

    The statements are kept in bench_state first, so an interrupted load can
    still restore them on the next run.
    """
    ddl = state_get(conn, f"ddl:{table}")
    if ddl is None:
        ddl = _secondary_ddl(conn, table)
        state_set(conn, f"ddl:{table}", ddl)
    for (name,) in conn.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    ).fetchall():
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for (name,) in conn.execute(
        "SELECT c.relname FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid"
        " WHERE x.indrelid = %s::regclass AND NOT x.indisprimary",
        [table],
    ).fetchall():
        conn.execute(f'DROP INDEX "{name}"')
    return ddl


def _restore_secondary(conn, table: str, ddl: list[str]) -> None:
    conn.execute("SET maintenance_work_mem = '1GB'")
    for statement in ddl:
        t0 = time.perf_counter()
        conn.execute(statement)
        log(f"  {statement[:90]}… {time.perf_counter() - t0:.1f} s")
    state_del(conn, f"ddl:{table}")


def _restore_pending(conn) -> None:
    """Re-create indexes left dropped by an interrupted load."""
    for (name,) in conn.execute("SELECT name FROM bench_state WHERE name LIKE 'ddl:%'").fetchall():
        table = name.split(":", 1)[1]
        ddl = state_get(conn, name)
        existing = _secondary_ddl(conn, table)
        missing = [s for s in ddl if s not in existing]
        if missing:
            log(f"restoring {len(missing)} indexes/constraints of {table} (interrupted load)")
            _restore_secondary(conn, table, missing)
        else:
            state_del(conn, name)


# --- organisations and users -------------------------------------------------


def organisations():
    """The two benchmark organisations (created if missing)."""
    from apps.accounts.models import Organization

    out = []
    for spec in (MAIN, SMALL):
        org, _ = Organization.objects.get_or_create(
            slug=spec["slug"], defaults={"name": spec["name"], "type": Organization.Type.NGO}
        )
        out.append(org)
    return out


def workers(org):
    """Case workers of the main organisation; the first is the benchmark user."""
    from apps.accounts.models import Membership, User
    from apps.accounts.roles import Role

    users = []
    for n in range(N_WORKERS):
        email = f"bench-worker-{n:02d}@example.org"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, None, full_name=f"Bench worker {n:02d}")
        Membership.objects.get_or_create(user=user, organization=org, role=Role.CASE_WORKER)
        users.append(user)
    return users


def bench_membership():
    from apps.accounts.models import Membership

    main, _small = organisations()
    workers(main)
    return Membership.objects.select_related("organization", "user").get(
        user__email=WORKER_EMAIL, organization=main
    )


# --- people ------------------------------------------------------------------


# Names: hundreds of given names and family names with Zipf-like frequencies (a
# few very common, a long tail), as in real registers; demo_names' short lists
# gave hundreds of people every name and made strict recall meaningless.
_KG_FEMALE_REAL = (
    "Айгүл Гүлнара Нургүл Жылдыз Айпери Чолпон Бегимай Гүлзат Асел Мээрим Айзада Нуриза "
    "Жамиля Бермет Динара Элнура Айжан Самара Гүлмира Төлкүн Айнура Назира Гүлбарчын "
    "Жибек Канышай Сабира Бактыгүл Чынара Элмира Айсулуу Нурайым Акмөөр Айдана Жаңыл "
    "Күмүшай Бүбүсара Сезим Салтанат Таалайгүл Токтобүбү Урмат Кундуз Айтурган Мадина "
    "Акылай Айкөкүл Гүлсайра Нуржамал Асылгүл Даткайым Эркингүл Жумагүл Мирлана Алтынай"
).split()
_KG_MALE_REAL = (
    "Чыңгыз Нурлан Бакыт Азамат Эрлан Талант Мирлан Улан Жыргалбек Бекболот Үсөн "
    "Төлөгөн Канат Марат Адилет Нурбек Эмил Айбек Жоомарт Өмүрбек Алмазбек Улукбек "
    "Кубанычбек Асылбек Темирлан Эрмек Бактыбек Медер Нурсултан Жаныбек Мелис Темирбек "
    "Курманбек Таалайбек Сыймык Элдияр Эрбол Данияр Аскар Калыс Жеңиш "
    "Садыр Тынчтык Эркин Байэл Мамасали Акылбек Жусуп Абдыкалык Мукай Төрөкул Исмаил"
).split()
_KG_STEMS = (
    "Ай Нур Гүл Алтын Асыл Бакыт Мээр Сай Күн Чол Ак Жан Эл Ырыс Кан Бек Мир Таалай "
    "Жаңыл Көк Бал Ум Сулуу Жазгүл Кымбат Мөл Шайыр Бүр Тил Нарын"
).split()
_KG_FEMALE_ENDS = "гүл нура жан ай зада каныш бүбү мира сулуу нара жамал".split()
_KG_MALE_STEMS = (
    "Нур Бек Эр Мир Ак Кан Жан Таш Сул Ас Бакыт Эл Кут Темир Улан Чың Алтын Бол Кубан "
    "Ай Мурат Азат Жолдош Сапар Токто Кур Осмон Абды Жума Сатар Бектур Төлө Эсен Үсөн"
).split()
_KG_MALE_ENDS = "бек бай болот лан жан кул мат али алы бай тур назар".split()
_RU_FEMALE = (
    "Анна Ольга Татьяна Елена Наталья Юлия Светлана Ирина Екатерина Мария Дарья Алёна "
    "Валентина Людмила Галина Надежда Оксана Виктория Ксения Вера Любовь Марина Лариса "
    "Нина Тамара Зинаида Полина Софья Анастасия Евгения Кристина Яна Алла Жанна Инна"
).split()
_RU_MALE = (
    "Алексей Дмитрий Сергей Андрей Николай Фёдор Юрий Евгений Игорь Виктор Михаил Павел "
    "Александр Владимир Иван Максим Артём Роман Олег Денис Антон Вадим Валерий Геннадий "
    "Борис Григорий Константин Степан Тимофей Илья Кирилл Егор Семён Леонид Пётр Вячеслав"
).split()
_RU_FAMILY = (
    "Иванов Смирнов Кузнецов Попов Соколов Лебедев Козлов Новиков Морозов Петров Волков "
    "Соловьёв Васильев Зайцев Павлов Семёнов Голубев Виноградов Богданов Воробьёв Фёдоров "
    "Михайлов Беляев Тарасов Белов Комаров Орлов Киселёв Макаров Андреев Ковалёв Ильин "
    "Гусев Титов Кузьмин Кудрявцев Баранов Куликов Алексеев Степанов Яковлев Сорокин "
    "Сергеев Романов Захаров Борисов Королёв Герасимов Пономарёв Григорьев Лазарев "
    "Медведев Ершов Никитин Соболев Рябов Поляков Цветков Данилов Жуков Фролов Журавлёв "
    "Николаев Крылов Максимов Сидоров Осипов Белоусов Федотов Дорофеев Егоров Матвеев "
    "Бобров Дмитриев Калинин Анисимов Петухов Антонов Тимофеев Никифоров Веселов Филиппов "
    "Марков Большаков Суханов Миронов Ширяев Александров Коновалов Шестаков Казаков "
    "Ефимов Денисов Громов Фомин Давыдов Мельников Щербаков Блинов Колесников Карпов"
).split()
_RU_PATRONYMIC_ROOTS = (
    "Сергей Иван Александр Владимир Николай Виктор Михаил Юрий Андрей Алексей Петр "
    "Геннадий Борис Олег Анатолий Василий"
).split()


def _zipf(items, s: float = 1.0, q: float = 4.0) -> tuple[list, list[float]]:
    """Items in a fixed shuffled order with cumulative Zipf-Mandelbrot weights
    1 / (rank + q)^s: a handful common, a long tail."""
    order = sorted(dict.fromkeys(items))
    random.Random("koldoo-bench-names").shuffle(order)
    cum, total = [], 0.0
    for rank, _item in enumerate(order, 1):
        total += 1 / (rank + q) ** s
        cum.append(total)
    return order, cum


def _compounds(stems, ends) -> list[str]:
    return [a + b for a in stems for b in ends if a[-1].lower() != b[0]]


_NAMES = {
    "kg_f": _zipf(_KG_FEMALE_REAL + _compounds(_KG_STEMS, _KG_FEMALE_ENDS)),
    "kg_m": _zipf(_KG_MALE_REAL + _compounds(_KG_MALE_STEMS, _KG_MALE_ENDS)),
    "kg_root": _zipf(_KG_MALE_REAL + _compounds(_KG_MALE_STEMS, _KG_MALE_ENDS), s=0.9),
    "ru_f": _zipf(_RU_FEMALE),
    "ru_m": _zipf(_RU_MALE),
    "ru_family": _zipf(_RU_FAMILY, s=0.9),
    "ru_father": _zipf(_RU_PATRONYMIC_ROOTS),
}


def _pick(kind: str, rng: random.Random) -> str:
    order, cum = _NAMES[kind]
    return rng.choices(order, cum_weights=cum)[0]


def _ru_patronymic(root: str, sex: str) -> str:
    if root.endswith("й"):
        stem = root[:-1] + "ев"
    else:
        stem = root + "ов"
    return stem + ("на" if sex == "F" else "ич")


def bench_name(rng: random.Random) -> dict:
    """One fictitious person's name parts in Cyrillic, with sex (like demo_names.make_name,
    from much larger lists with realistic frequencies)."""
    from apps.people.demo_names import family_name

    sex = rng.choice("FM")
    if rng.random() < 0.75:
        given = _pick("kg_f" if sex == "F" else "kg_m", rng)
        family = family_name(_pick("kg_root", rng), sex)
        father = _pick("kg_m", rng)
        if rng.random() < 0.5:
            patronymic = father + (" кызы" if sex == "F" else " уулу")
        elif rng.random() < 0.5:
            patronymic = father + ("овна" if sex == "F" else "ович")
        else:
            patronymic = ""
    else:
        given = _pick("ru_f" if sex == "F" else "ru_m", rng)
        family = _pick("ru_family", rng) + ("а" if sex == "F" else "")
        patronymic = _ru_patronymic(_pick("ru_father", rng), sex)
        if rng.random() < 0.4:
            patronymic = ""
    return {"family_name": family, "given_name": given, "patronymic": patronymic, "sex": sex}


def person_rng(spec: dict, number: int) -> random.Random:
    return random.Random(f"{spec['seed']}:{number}")


def person_name(spec: dict, number: int) -> tuple[dict, dict, random.Random]:
    """(original Cyrillic name, stored spelling, the rng positioned after them)."""
    from apps.people.demo_names import spelled

    rng = person_rng(spec, number)
    original = bench_name(rng)
    stored = spelled(original, rng)
    return original, stored, rng


def id_base(spec: dict) -> int:
    """Person ids are id_base + number, number = 1..n."""
    return 0 if spec["slug"] == MAIN["slug"] else N_PEOPLE


def spec_of(person_id: int) -> tuple[dict, int]:
    if person_id <= N_PEOPLE:
        return MAIN, person_id
    return SMALL, person_id - N_PEOPLE


_DOCUMENT_SERIES = ("ID", "AN", "AC")


def person_facts(rng: random.Random) -> dict:
    """Birth date, phone, document number (80% have one) and region, drawn from the
    person's generator right after the name (person_name), so a benchmark can
    regenerate them from the id."""
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(48 * 365))
    phone = f"+996 {rng.randrange(500, 800)} {rng.randrange(10**6):06d}"
    document = ""
    if rng.random() < 0.8:
        document = f"{rng.choice(_DOCUMENT_SERIES)}{rng.randrange(10**7):07d}"
    return {"birth": birth, "phone": phone, "document": document, "region": rng.choice(_REGIONS)}


def person_numbers(person_id: int) -> dict:
    """The stored phone and document number of a benchmark person, from the id alone."""
    spec, number = spec_of(person_id)
    _original, _stored, rng = person_name(spec, number)
    return person_facts(rng)


# Name spelling -> its key hashes, kept for the life of a loader process.
_KEY_CACHE: dict[tuple[int, str, str, str], list[str]] = {}
_NULL = r"\N"  # COPY's null

_REGIONS = ("batken", "chuy", "issyk_kul", "jalal_abad", "naryn", "osh", "talas", "bishkek")


def _person_chunk(job) -> tuple[int, int, float]:
    """Worker: generate, encrypt and COPY people number start..stop-1 and their keys."""
    spec, org_id, start, stop, with_name_keys = job
    from apps.core.crypto import encrypt_text
    from apps.people.models import Person
    from apps.people.numbers import number_keys
    from apps.people.services import name_key_entries

    t0 = time.perf_counter()
    base = id_base(spec)
    people: list[str] = []
    keys: list[str] = []
    numbers: list[str] = []
    created = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    for number in range(start, stop):
        pid = base + number
        _original, stored, rng = person_name(spec, number)
        family, given, patronymic = (
            stored["family_name"],
            stored["given_name"],
            stored["patronymic"],
        )
        facts = person_facts(rng)
        birth = facts["birth"]
        phone = json.dumps([facts["phone"]])
        documents = json.dumps([facts["document"]]) if facts["document"] else ""
        stamp = (created + dt.timedelta(seconds=number)).isoformat()
        row = (
            str(pid),
            str(org_id),
            "",
            encrypt_text(family),
            encrypt_text(given),
            encrypt_text(patronymic) if patronymic else "",
            "",
            stored["sex"],
            encrypt_text(birth.isoformat()),
            str(birth.year),
            "KG",
            facts["region"],
            "",
            encrypt_text(phone),
            encrypt_text(documents) if documents else "",
            "",
            '["ky", "ru"]',
            "",
            "f",
            "1",
            stamp,
            stamp,
            r"\N",
        )
        people.append("\t".join(row))
        numbers.extend(
            f"{kind}\t{key}\t{pid}"
            for kind, key in sorted(
                number_keys(
                    org_id, [facts["phone"]], [facts["document"]] if facts["document"] else []
                )
            )
        )
        if not with_name_keys:
            continue
        name = (org_id, family, given, patronymic)
        hashes = _KEY_CACHE.get(name)
        if hashes is None:
            person = Person(
                organization_id=org_id,
                family_name=family,
                given_name=given,
                patronymic=patronymic,
                other_names=[],
            )
            hashes = _KEY_CACHE[name] = [
                f"{h}\t{t}\t{_NULL if w is None else w}"
                for h, (t, w) in sorted(name_key_entries(person).items())
            ]
        keys.extend(f"{h}\t{pid}" for h in hashes)
    n_keys = len(keys)
    with connect() as conn, conn.cursor() as cur:
        cols = ", ".join(PERSON_COLUMNS)
        with cur.copy(f"COPY people_person ({cols}) FROM STDIN") as copy:
            copy.write("\n".join(people) + "\n")
        with cur.copy(
            "COPY people_personnamekey (key, tokens, spelling, person_id) FROM STDIN"
        ) as copy:
            for i in range(0, n_keys, 200_000):
                copy.write("\n".join(keys[i : i + 200_000]) + "\n")
        with cur.copy("COPY people_personnumberkey (kind, key, person_id) FROM STDIN") as copy:
            copy.write("\n".join(numbers) + "\n")
    return stop - start, n_keys, time.perf_counter() - t0


def people_loaded(conn, *, name_keys: bool = True) -> dict | None:
    state = state_get(conn, "people")
    if not state or state.get("version") != DATA_VERSION or state.get("n") != N_PEOPLE:
        return None
    if name_keys and not state.get("name_keys", True):
        return None
    index = conn.execute("SELECT to_regclass('person_name_key_idx')").fetchone()[0]
    if index is None:
        return None
    return state


def _people_readable(*, name_keys: bool = True) -> bool:
    """The stored people decrypt with the current keys and match the generator."""
    from cryptography.fernet import InvalidToken

    from apps.people.models import Person, PersonNameKey
    from apps.people.services import name_key_entries

    for pid in (1, N_PEOPLE // 2, N_PEOPLE, N_PEOPLE + 1):
        spec, number = spec_of(pid)
        _original, stored, _rng = person_name(spec, number)
        try:
            p = Person.objects.get(pk=pid)
        except (Person.DoesNotExist, InvalidToken):
            return False
        if (p.family_name, p.given_name, p.patronymic) != (
            stored["family_name"],
            stored["given_name"],
            stored["patronymic"],
        ):
            return False
        rows = PersonNameKey.objects.filter(person_id=pid).values_list("key", "tokens", "spelling")
        if name_keys and {k: (t, w) for k, t, w in rows} != name_key_entries(p):
            return False
    return True


def ensure_people(*, reload: bool = False, name_keys: bool = True) -> dict:
    """Load the people unless the database already holds them; return the load record.

    name_keys=False (the phone and document look-ups need only the number keys) loads
    the people without their name keys, several times faster; a later call that needs
    the name keys then loads everything again."""
    from django.db import connections

    main, small = organisations()
    with connect() as conn:
        _restore_pending(conn)
        state = None if reload else people_loaded(conn, name_keys=name_keys)
    if state is not None and _people_readable(name_keys=state.get("name_keys", True)):
        log(
            f"people: reusing {state['n']:,} + {state['n_small']:,} people loaded on "
            f"{state['loaded_at']} in {state['seconds']:.0f} s (--reload to load again)"
        )
        return state
    if state is not None:
        log("people: stored rows do not match the generator or the keys: reloading")

    log(
        f"people: loading {N_PEOPLE:,} + {N_SMALL:,} people with COPY"
        + ("" if name_keys else " (without name keys)")
    )
    t0 = time.perf_counter()
    with connect() as conn:
        state_del(conn, "people")
        state_del(conn, "cases")
        conn.execute(
            "TRUNCATE people_person, people_personnamekey, people_personnumberkey, cases_case"
            " RESTART IDENTITY CASCADE"
        )
        ddl = {
            t: _drop_secondary(conn, t)
            for t in ("people_person", "people_personnamekey", "people_personnumberkey")
        }
    jobs = [
        (MAIN, main.pk, s, min(s + CHUNK, N_PEOPLE + 1), name_keys)
        for s in range(1, N_PEOPLE + 1, CHUNK)
    ]
    jobs += [
        (SMALL, small.pk, s, min(s + CHUNK, N_SMALL + 1), name_keys)
        for s in range(1, N_SMALL + 1, CHUNK)
    ]
    connections.close_all()  # never share a connection with the forked workers
    done = n_keys = 0
    processes = max(1, min(os.cpu_count() or 1, 4))
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        for n, k, _secs in pool.imap_unordered(_person_chunk, jobs):
            done += n
            n_keys += k
            if done % 100_000 < CHUNK or done == N_PEOPLE + N_SMALL:
                log(f"  {done:>9,} people, {n_keys:>11,} keys, {time.perf_counter() - t0:6.1f} s")
    t_copy = time.perf_counter() - t0
    with connect() as conn:
        for table, statements in ddl.items():
            _restore_secondary(conn, table, statements)
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('people_person', 'id'),"
            " (SELECT max(id) FROM people_person))"
        )
        t1 = time.perf_counter()
        conn.execute("VACUUM ANALYZE people_person")
        conn.execute("VACUUM ANALYZE people_personnamekey")
        conn.execute("VACUUM ANALYZE people_personnumberkey")
        t_vacuum = time.perf_counter() - t1
        seconds = time.perf_counter() - t0
        state = {
            "version": DATA_VERSION,
            "name_keys": name_keys,
            "n": N_PEOPLE,
            "n_small": N_SMALL,
            "keys": n_keys,
            "processes": processes,
            "seconds_copy": round(t_copy, 1),
            "seconds_index": round(seconds - t_copy - t_vacuum, 1),
            "seconds_vacuum": round(t_vacuum, 1),
            "seconds": round(seconds, 1),
            "loaded_at": dt.datetime.now().isoformat(timespec="seconds"),
        }
        state_set(conn, "people", state)
    log(
        f"people: loaded in {seconds:.0f} s (generate+encrypt+hash+COPY {t_copy:.0f} s on "
        f"{processes} processes, indexes {state['seconds_index']:.0f} s, "
        f"VACUUM ANALYZE {t_vacuum:.0f} s)"
    )
    return state


# --- cases -------------------------------------------------------------------


def _case_lines(org_id: int, user_ids: list[int]):
    from apps.core.reference_data import (
        CASE_TYPES,
        CLOSURE_REASONS,
        EXPLOITATION,
        MEANS_OF_CONTROL,
        RECRUITMENT_CHANNELS,
    )

    rng = random.Random("koldoo-bench-cases")
    case_types = [c[0] for c in CASE_TYPES]
    closures = [c[0] for c in CLOSURE_REASONS]
    exploitation = [c[0] for c in EXPLOITATION]
    channels = [c[0] for c in RECRUITMENT_CHANNELS]
    controls = [c[0] for c in MEANS_OF_CONTROL]
    statuses = ["open", "active", "on_hold", "closed", "reopened"]
    weights = [15, 20, 10, 50, 5]
    first = dt.date(2012, 1, 1)
    span = (dt.date(2026, 11, 22) - first).days
    for cid in range(1, N_CASES + 1):
        status = rng.choices(statuses, weights)[0]
        opened = first + dt.timedelta(days=rng.randrange(span))
        closed = opened + dt.timedelta(days=rng.randrange(400)) if status == "closed" else None
        stamp = dt.datetime.combine(opened, dt.time(9), tzinfo=dt.UTC).isoformat()
        assigned = str(rng.choice(user_ids)) if rng.random() < 0.9 else r"\N"
        yield "\t".join(
            (
                str(cid),
                str(org_id),
                str(rng.randrange(1, N_PEOPLE + 1)),
                rng.choice(case_types),
                status,
                rng.choice(closures) if status == "closed" else "",
                assigned,
                json.dumps(rng.sample(exploitation, rng.randrange(1, 3))),
                '["KG"]',
                "[]" if rng.random() < 0.7 else '["KZ"]',
                json.dumps([rng.choice(["RU", "KZ", "TR", "AE", "KR"])]),
                rng.choice(channels),
                json.dumps(rng.sample(controls, rng.randrange(0, 4))),
                opened.isoformat(),
                r"\N",
                r"\N",
                closed.isoformat() if closed else r"\N",
                "1",
                stamp,
                stamp,
                r"\N",
            )
        )


def ensure_cases(*, reload: bool = False) -> dict:
    """Load 1,000,000 cases of the main organisation unless already there."""
    main, _small = organisations()
    users = workers(main)
    with connect() as conn:
        _restore_pending(conn)
        state = state_get(conn, "cases")
        if (
            not reload
            and state
            and state.get("version") == CASES_VERSION
            and state.get("n") == N_CASES
            and conn.execute("SELECT count(*) FROM cases_case").fetchone()[0] == N_CASES
        ):
            log(
                f"cases: reusing {state['n']:,} cases loaded on {state['loaded_at']} "
                f"in {state['seconds']:.0f} s (--reload-cases to load again)"
            )
            return state
        log(f"cases: loading {N_CASES:,} cases with COPY")
        t0 = time.perf_counter()
        state_del(conn, "cases")
        conn.execute("TRUNCATE cases_case RESTART IDENTITY CASCADE")
        ddl = _drop_secondary(conn, "cases_case")
        lines = _case_lines(main.pk, [u.pk for u in users])
        with conn.cursor() as cur:
            cols = ", ".join(CASE_COLUMNS)
            with cur.copy(f"COPY cases_case ({cols}) FROM STDIN") as copy:
                batch = []
                for line in lines:
                    batch.append(line)
                    if len(batch) == 50_000:
                        copy.write("\n".join(batch) + "\n")
                        batch = []
                if batch:
                    copy.write("\n".join(batch) + "\n")
        t_copy = time.perf_counter() - t0
        _restore_secondary(conn, "cases_case", ddl)
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('cases_case', 'id'),"
            " (SELECT max(id) FROM cases_case))"
        )
        conn.execute("VACUUM ANALYZE cases_case")
        seconds = time.perf_counter() - t0
        state = {
            "version": CASES_VERSION,
            "n": N_CASES,
            "seconds_copy": round(t_copy, 1),
            "seconds": round(seconds, 1),
            "loaded_at": dt.datetime.now().isoformat(timespec="seconds"),
        }
        state_set(conn, "cases", state)
    log(f"cases: loaded in {seconds:.0f} s (generate+COPY {t_copy:.0f} s)")
    return state


# --- figures -----------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]
