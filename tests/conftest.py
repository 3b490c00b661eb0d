import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "Test-password-2026"
PRODUCT_STATIC_STORAGE = None  # what koldoo/settings.py configures, kept for test_page_weight


def pytest_configure(config):
    # Pages name static files by their plain names in tests, found in static/ (the live
    # server serves them from there), never by a manifest an earlier `make run` left in var/.
    # tests/test_page_weight.py runs collectstatic and checks the hashed, compressed files.
    from django.conf import settings

    global PRODUCT_STATIC_STORAGE
    PRODUCT_STATIC_STORAGE = settings.STORAGES["staticfiles"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Background jobs run at once, in the test (apps.operations; production: db_worker).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def reference_data(db):
    """Reference data comes from a migration; transactional tests flush it, so reload."""
    from apps.core.models import ReferenceValue
    from apps.core.reference_data import load_reference_values

    if not ReferenceValue.objects.exists():
        load_reference_values(ReferenceValue)
    from apps.screening.indicator_data import load_indicators
    from apps.screening.models import Indicator, RuleSet

    if not RuleSet.objects.exists():
        load_indicators(Indicator, RuleSet)


@pytest.fixture
def make_org(reference_data):
    from apps.accounts.services import create_organization

    counter = {"n": 0}

    def make(slug=None, type="ngo", region="bishkek", **kw):
        counter["n"] += 1
        slug = slug or f"org-{counter['n']}"
        return create_organization(slug=slug, name=f"Test {slug}", type=type, region=region, **kw)

    return make


@pytest.fixture
def org(make_org):
    return make_org("home")


@pytest.fixture
def other_org(make_org):
    return make_org("elsewhere")


@pytest.fixture
def make_member(db):
    from apps.accounts.services import add_member

    def make(org, role="case_worker", email=None):
        email = email or f"{role}.{org.slug}@test.example"
        return add_member(email=email, organization=org, role=role, password=PASSWORD)

    return make


@pytest.fixture
def caseworker(org, make_member):
    return make_member(org, "case_worker")


@pytest.fixture
def login(client):
    def sign_in(membership, c=None):
        c = c or client
        c.force_login(membership.user)
        return c

    return sign_in


@pytest.fixture
def make_person(db):
    from apps.people.services import create_person

    def make(membership, **data):
        data.setdefault("given_name", "Айгүл")
        data.setdefault("family_name", "Төлөнбаева")
        if "birth_date" in data and "birth_year" not in data:
            data["birth_year"] = int(data["birth_date"][:4])
        return create_person(membership=membership, data=data)

    return make


@pytest.fixture
def make_case(db):
    from apps.cases.services import open_case

    def make(membership, person, **data):
        data.setdefault("case_type", "trafficking")
        return open_case(membership=membership, person=person, data=data)

    return make


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request):
    # allauth keeps rate-limit counters in the cache, a database table: each test that
    # uses the database starts with none (tests without it cannot reach the cache).
    uses_db = request.node.get_closest_marker("django_db") or any(
        name in request.fixturenames for name in ("db", "transactional_db", "live_server")
    )
    if uses_db:
        request.getfixturevalue("db")
        from django.core.cache import cache

        cache.clear()
    yield
