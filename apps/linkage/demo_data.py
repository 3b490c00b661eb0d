"""Demo duplicates (demo-bishkek): a woman registered in Cyrillic by the hotline and
again from her passport's Latin spelling with the day and month of birth swapped, a
man with given and family name swapped; the batch finder then proposes both pairs to
admin@demo.example. All names are invented (apps.people.demo_names)."""

from apps.linkage.batch import find_duplicates
from apps.people.demo_names import romanise
from apps.people.services import create_person

ADMIN = "admin@demo.example"
CASEWORKER = "caseworker@demo.example"


def seed(*, members, organizations, rng):
    admin, worker = members.get(ADMIN), members.get(CASEWORKER)
    if admin is None or worker is None:
        return
    people = [
        ("Сагынбаева", "Нургүл", "Осмон кызы", "F", "1996-04-07", "+996 555 010 203"),
        (romanise("Сагынбаева"), romanise("Нургүл"), "Osmonovna", "F", "1996-07-04", ""),
        ("Турдубаев", "Канат", "", "M", "1989-11-23", ""),
        (romanise("Канат"), romanise("Турдубаев"), "", "M", "1989", "0555 010 999"),
    ]
    for family, given, patronymic, sex, born, phone in people:
        create_person(
            membership=worker,
            data={
                "family_name": family,
                "given_name": given,
                "patronymic": patronymic,
                "sex": sex,
                "birth_date": born,
                "birth_year": int(born[:4]),
                "phones": [phone] if phone else [],
            },
        )
    find_duplicates(admin)
