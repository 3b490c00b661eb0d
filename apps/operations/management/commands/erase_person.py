from django.core.management.base import BaseCommand, CommandError

from apps.operations.retention import erase_person
from apps.people.models import Person


class Command(BaseCommand):
    help = (
        "Honour a person's erasure request: anonymise their record and everything that "
        "hangs from it (cases, notes, attachments, history), delete their search keys "
        "and files. The audit trail keeps its entries by record number."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="the person's code (P-000123) or number")
        parser.add_argument("--organization", required=True, metavar="SLUG")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, code, organization, yes=False, **options):
        number = code.upper().removeprefix("P-")
        if not number.isdigit():
            raise CommandError("Give the person's code, e.g. P-000123.")
        person = Person.objects.filter(pk=int(number), organization__slug=organization).first()
        if person is None:
            raise CommandError(f"No person {code} in organisation {organization}.")
        if not yes:
            answer = input(f"Erase the identity of {person.code} for good? Type 'erase': ")
            if answer.strip() != "erase":
                raise CommandError("Nothing erased.")
        report = erase_person(person)
        self.stdout.write(
            f"{person.code} erased: {report.rows} records anonymised, {report.files} files deleted."
        )
