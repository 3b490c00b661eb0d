"""Fixtures shared by the tests of legal work (tests/test_legal_*.py import them)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def legal_reference(reference_data):
    """Articles and deadline rules come from a migration; transactional tests flush them."""
    from apps.legal.models import Article, DeadlineRule
    from apps.legal.reference_data import load_legal_reference

    load_legal_reference(Article, DeadlineRule)


@pytest.fixture
def lawyer(org, make_member, legal_reference):
    return make_member(org, "lawyer")


@pytest.fixture
def legal_admin(org, make_member, legal_reference):
    return make_member(org, "org_admin")


@pytest.fixture
def torture_case(lawyer, make_person, make_case):
    person = make_person(lawyer, given_name="Бакыт", family_name="Сыдыков", sex="M")
    return make_case(lawyer, person, case_type="torture", assigned_to=lawyer.user)


@pytest.fixture
def proceeding(lawyer, torture_case):
    from apps.legal.services import open_proceeding

    return open_proceeding(
        membership=lawyer,
        case=torture_case,
        data={"kind": "criminal", "client_role": "victim", "opened_on": date(2025, 1, 10)},
    )


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def trial_with_charge(lawyer, proceeding, *, started_on: date, part: str = ""):
    """A first-instance stage of `proceeding` and one charge (art. 159) against one
    defendant: what a verdict is recorded on."""
    from apps.legal import services

    trial = services.add_stage(
        membership=lawyer,
        proceeding=proceeding,
        data={"stage_type": "first_instance", "started_on": started_on},
    )
    defendant = services.add_defendant(
        membership=lawyer, proceeding=proceeding, data={"name": "Осмонов Эрлан"}
    )
    charge = services.add_charge(
        membership=lawyer,
        defendant=defendant,
        article=services.find_article(edition="2021", number="159"),
        part=part,
    )
    return trial, charge
