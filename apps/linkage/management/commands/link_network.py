"""Link people across organisations through keyed encodings (apps.linkage.network);
only an opaque cluster id per person is stored. Needs KOLDOO_LINKAGE_KEY."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from apps.linkage.models import Merge
from apps.linkage.network import link_network, network_key
from apps.people.selectors import people_settled


class Command(BaseCommand):
    help = "Link people across organisations without sharing identities."

    def handle(self, *args, **options):
        try:
            key = network_key()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc))
        merged = Merge.objects.filter(undone_at__isnull=True).values("merged_id")
        # Not the people of an import still writing: they may yet be rolled back.
        people = people_settled().exclude(pk__in=merged).iterator(chunk_size=2000)
        result = link_network(people, key)
        self.stdout.write(
            f"{result['people']} people, {result['clusters']} clusters, "
            f"{result['shared']} held by more than one organisation"
        )
