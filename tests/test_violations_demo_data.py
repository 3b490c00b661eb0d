"""The demo's monitoring records for monitor@demo.example load and are what the issue's
"done when" path looks for."""

import random

import pytest

pytestmark = pytest.mark.django_db


def test_demo_data_loads_for_the_monitor(make_org, make_member):
    from apps.institutions import demo_data as institutions_demo
    from apps.institutions.models import Recommendation, Visit
    from apps.violations import demo_data as violations_demo
    from apps.violations.models import Event

    org = make_org("demo-bishkek")
    monitor = make_member(org, "monitor", email="monitor@demo.example")
    members = {"monitor@demo.example": monitor}
    rng = random.Random(7)
    violations_demo.seed(members=members, organizations={"demo-bishkek": org}, rng=rng)
    institutions_demo.seed(members=members, organizations={"demo-bishkek": org}, rng=rng)

    torture = Event.objects.filter(institution__kind="pre_trial_detention").get()
    assert torture.acts.count() == 2
    assert torture.involvements.filter(person__isnull=False, perpetrator_type__code="police")
    assert Visit.objects.get(access="partial").institution == torture.institution
    repeated = Recommendation.objects.get(repeats__isnull=False)
    assert repeated.updates.get().response
    assert repeated.status == "rejected"
