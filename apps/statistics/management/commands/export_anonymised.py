"""Write the k-anonymous record-level export (CTDC layout) and its metadata file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from apps.statistics import anonymised


class Command(BaseCommand):
    help = (
        "Write trafficking cases as k-anonymous records in the CTDC global dataset layout, "
        "with a metadata file next to the CSV. See docs/statistics/anonymised-export.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="the CSV file to write")
        parser.add_argument(
            "--k",
            type=int,
            default=anonymised.DEFAULT_K,
            help=f"every combination of all columns occurs at least K times "
            f"(default {anonymised.DEFAULT_K}, as CTDC publishes)",
        )
        parser.add_argument(
            "--organization",
            nargs="+",
            default=None,
            metavar="SLUG",
            help="only these organisations (short names); default: all",
        )
        parser.add_argument(
            "--allow-small-k",
            action="store_true",
            help=f"accept a K below {anonymised.SMALL_K} (never below {anonymised.MINIMUM_K})",
        )
        parser.add_argument(
            "--max-suppression",
            type=float,
            default=anonymised.DEFAULT_MAX_SUPPRESSION * 100,
            help="at most this percentage of records may be suppressed when a more detailed "
            "generalisation is chosen (default %(default)s)",
        )
        parser.add_argument(
            "--user", default="", help="e-mail of the person running the export, for the audit"
        )
        parser.add_argument(
            "--language", default="", help="language of the messages (ky, ru or en)"
        )

    def handle(self, *args, language, **options):
        with translation.override(language or translation.get_language()):
            return self._run(**options)

    def _run(self, *, output, k, organization, allow_small_k, max_suppression, user, **_options):
        from apps.accounts.models import Organization, User

        if k < anonymised.MINIMUM_K:
            raise CommandError(
                _("K must be at least %(minimum)s.") % {"minimum": anonymised.MINIMUM_K}
            )
        if k < anonymised.SMALL_K and not allow_small_k:
            raise CommandError(
                _(
                    "K=%(k)s is small: groups of fewer than %(small)s records make people "
                    "easy to single out. Use --allow-small-k if you are sure."
                )
                % {"k": k, "small": anonymised.SMALL_K}
            )
        if not 0 <= max_suppression <= 100:
            raise CommandError(_("--max-suppression is a percentage between 0 and 100."))
        organization_ids = None
        if organization:
            found = dict(
                Organization.objects.filter(slug__in=organization).values_list("slug", "pk")
            )
            missing = [slug for slug in organization if slug not in found]
            if missing:
                raise CommandError(
                    _("No organisation with the short name %(slug)s.") % {"slug": missing[0]}
                )
            organization_ids = sorted(found.values())
        actor = None
        if user:
            actor = User.objects.filter(email=user.strip().lower()).first()
            if actor is None:
                raise CommandError(_("No user with the e-mail %(email)s.") % {"email": user})
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": path.parent})
        result = anonymised.export_anonymised(
            path,
            k=k,
            organization_ids=organization_ids,
            max_suppression=max_suppression / 100,
            user=actor,
        )
        release, data = result.release, result.microdata
        self.stdout.write(
            _(
                "%(out)s records written (k=%(k)s), %(suppressed)s suppressed, "
                "%(excluded)s left out because consent was withdrawn."
            )
            % {
                "out": release.records_out,
                "k": k,
                "suppressed": release.suppressed,
                "excluded": data.excluded_consent,
            }
        )
        self.stdout.write(_("Metadata: %(path)s") % {"path": result.metadata_path})
