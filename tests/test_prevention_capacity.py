"""The NGO capacity self-assessment: scores per area and year, growth shown, bad scores
refused with the form kept."""

import pytest
from django.core.exceptions import ValidationError

from apps.prevention import services


@pytest.fixture
def me_officer(org, make_member):
    return make_member(org, "me_officer")


def test_growth_from_year_to_year_is_shown(me_officer, login):
    services.save_capacity_assessment(
        membership=me_officer, year=2024, scores={"governance": 2, "finances": 3}
    )
    services.save_capacity_assessment(
        membership=me_officer, year=2025, scores={"governance": 4, "finances": 3}
    )
    client = login(me_officer)
    page = client.get("/prevention/capacity/").content.decode()
    assert "2024" in page and "2025" in page
    assert "4 (+2)" in page  # governance grew by two
    assert 'href="/prevention/"' in page and 'href="/grants/"' in page  # the menu's links


def test_scores_outside_one_to_five_are_refused(me_officer, login):
    with pytest.raises(ValidationError):
        services.save_capacity_assessment(membership=me_officer, year=2025, scores={"finances": 0})
    response = login(me_officer).post(
        "/prevention/capacity/", {"year": "2025", "governance": "7", "finances": "3"}
    )
    assert response.status_code == 400
    assert 'value="3"' in response.content.decode()


def test_menu_hides_prevention_and_grants_from_other_roles(org, make_member, login):
    page = login(make_member(org, "case_worker")).get("/").content.decode()
    assert 'href="/prevention/"' not in page and 'href="/grants/"' not in page
