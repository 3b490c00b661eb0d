from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from apps.accounts.models import User
from apps.core import audit


class Command(BaseCommand):
    help = "Print an API token for a user (the token is the last line)."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="the user's e-mail")

    def handle(self, *args, user, **options):
        account = User.objects.filter(email=user.strip().lower(), is_active=True).first()
        if account is None:
            raise CommandError(f"No active user with the e-mail {user!r}.")
        token, _ = Token.objects.get_or_create(user=account)
        audit.record(audit.AuditEntry.Action.CREATE, user=account, target_type="token",
                     target_id=account.pk)  # fmt: skip
        self.stdout.write(f"API token for {account.email}:")
        self.stdout.write(token.key)
