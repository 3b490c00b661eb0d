from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.services import create_organization


class Command(BaseCommand):
    help = "Register an organisation."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--type", required=True)
        parser.add_argument("--region", default="")

    def handle(self, *args, slug, name, type, region, **options):
        try:
            org = create_organization(slug=slug, name=name, type=type, region=region)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages))
        self.stdout.write(f"Organisation {org.slug} created.")
