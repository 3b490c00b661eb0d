"""The public "check an agency" page and API: no sign-in, licence status and official
contacts only, rate limited, with the usual security headers."""

import pytest

from apps.monitoring import public
from apps.monitoring.services import add_agency_contact, add_agency_report, save_agency

ENTRY = {
    "name": "Silk Road Staffing",
    "other_names": "Шелковый путь",
    "licence_number": "LIC-2019-077",
    "licence_status": "revoked",
    "countries": ["RU"],
    "city": "Bishkek",
    "address": "Chui avenue 1",
    "phone": "+996 312 000 111",
    "notes": "Internal note: owner also runs a cafe",
}


@pytest.fixture
def agency(org, make_member, make_person, make_case):
    from apps.monitoring.services import link_agency_to_case

    monitor = make_member(org, "monitor")
    agency = save_agency(membership=monitor, data=dict(ENTRY))
    add_agency_contact(membership=monitor, agency=agency, kind="website",
                       value="silkroad.example", official=True)  # fmt: skip
    add_agency_contact(membership=monitor, agency=agency, kind="phone",
                       value="+996 700 999 888", official=False)  # fmt: skip
    add_agency_report(membership=monitor, agency=agency, kind="complaint",
                      body="Client complained of a 500 dollar fee")  # fmt: skip
    operator = make_member(org, "operator")
    link_agency_to_case(membership=operator, agency=agency,
                        case=make_case(operator, make_person(operator)))  # fmt: skip
    return agency


SECRET_BITS = ("500 dollar", "Internal note", "700 999 888", "case", "complain")


def test_page_without_sign_in_shows_licence_status_and_official_contacts(client, agency):
    r = client.get("/check-agency/", {"q": "шелковый"})
    assert r.status_code == 200
    page = r.content.decode()
    assert "Silk Road Staffing" in page and "Licence revoked" in page
    assert "silkroad.example" in page and "+996 312 000 111" in page
    results = page.split('id="public-results"', 1)[1].split("</ul>", 1)[0]
    for bit in SECRET_BITS:
        assert bit not in results, bit
    assert "default-src 'self'" in r["Content-Security-Policy"]


def test_api_without_sign_in_gives_public_fields_only(client, agency):
    r = client.get("/api/public/agencies/", {"q": "LIC-2019-077"})
    assert r.status_code == 200
    (row,) = r.json()["results"]
    assert row["licence_status"] == "revoked"
    assert row["official_contacts"] == [
        {"kind": "website", "label": "website", "value": "silkroad.example"}
    ]
    assert set(row) == {
        "name", "other_names", "licence_number", "licence_status", "licence_status_label",
        "licence_valid_until", "licence_expired", "countries", "city", "address", "phone",
        "official_contacts",
    }  # fmt: skip
    text = r.content.decode()
    for bit in SECRET_BITS:
        assert bit not in text, bit
    assert "Content-Security-Policy" in r.headers
    assert client.get("/api/public/agencies/", {"q": "a"}).status_code == 400


def test_too_many_lookups_answer_429_with_a_message(client, agency, monkeypatch):
    monkeypatch.setattr(public, "RATE_LIMIT", 3)
    for _ in range(3):
        assert client.get("/api/public/agencies/", {"q": "silk"}).status_code == 200
    r = client.get("/api/public/agencies/", {"q": "silk"})
    assert r.status_code == 429
    assert "Too many look-ups" in r.json()["detail"]
    page = client.get("/check-agency/", {"q": "silk"})
    assert page.status_code == 429 and "Too many look-ups" in page.content.decode()
    # Another client address has its own count.
    other = client.get("/api/public/agencies/", {"q": "silk"}, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200


def test_unknown_agency_says_it_was_not_checked(client, db, reference_data):
    page = client.get("/check-agency/", {"q": "Nobody Such"}).content.decode()
    assert "has not been checked" in page
