"""Demo retention policies: `apply_retention --dry-run` has something to report."""

from apps.operations.models import RetentionPolicy

# Years the demo organisations keep the identity of people whose cases are all closed.
DEMO_POLICIES = {"demo-bishkek": 10, "demo-osh": 7}


def seed(*, members, organizations, rng):
    for slug, years in DEMO_POLICIES.items():
        org = organizations.get(slug)
        if org is not None:
            RetentionPolicy.objects.update_or_create(
                organization=org, defaults={"closed_case_years": years}
            )
