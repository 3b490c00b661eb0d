from django.core.management.base import BaseCommand, CommandError

from apps.api.models import ApiToken
from apps.api.services import revoke_api_token


class Command(BaseCommand):
    help = "Revoke API tokens by id or prefix (see list_api_tokens), or all of one member."

    def add_arguments(self, parser):
        parser.add_argument("tokens", nargs="*", help="token ids or prefixes")
        parser.add_argument("--user", default="", help="revoke every token of this e-mail")

    def handle(self, *args, tokens, user, **options):
        if not tokens and not user:
            raise CommandError("Name the tokens (id or prefix) or give --user.")
        chosen = []
        for ref in tokens:
            ref = ref.rstrip("…")
            match = ApiToken.objects.filter(pk=int(ref)) if ref.isdigit() else None
            if match is None:
                match = ApiToken.objects.filter(prefix=ref)
            found = list(match[:2])
            if len(found) != 1:
                raise CommandError(
                    f"No token {ref!r}." if not found else f"{ref!r} is ambiguous: use the id."
                )
            chosen.extend(found)
        if user:
            chosen.extend(
                ApiToken.objects.filter(
                    membership__user__email=user.strip().lower(), revoked_at__isnull=True
                )
            )
        for token in chosen:
            done = revoke_api_token(token=token, via="command")
            self.stdout.write(
                f"{'Revoked' if done else 'Already revoked'}: {token.pk} ({token.prefix}…)"
            )
