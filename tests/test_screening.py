"""Trafficking screening: the rule, recording and explaining a result, child wording,
scoping and roles, audit, history, and the API."""

import datetime
import re

import pytest
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.screening.models import Indicator, Result, RuleSet, Screening
from apps.screening.rules import evaluate
from apps.screening.services import record_screening

STRONG = ("confined", "documents_taken", "debt_bondage")
MEDIUM = ("isolated", "wages_withheld", "excessive_overtime")


@pytest.fixture
def rule(db):
    rule_set = RuleSet.objects.get(active=True)
    indicators = {i.code: i for i in Indicator.objects.filter(active=True)}

    def run(yes=(), unknown=(), under_18="no"):
        answers = dict.fromkeys(indicators, "no")
        answers.update(dict.fromkeys(unknown, "unknown"))
        answers.update(dict.fromkeys(yes, "yes"))
        return evaluate(rule_set.thresholds, indicators, answers, under_18)

    return run


def _form_data(yes=(), under_18="no", screened_on=None, notes=None, **extra):
    data = {
        "screened_on": (screened_on or timezone.localdate()).isoformat(),
        "under_18_at_exploitation": under_18,
        "action": "save",
    }
    for indicator in Indicator.objects.filter(active=True):
        data[f"answer_{indicator.code}"] = "yes" if indicator.code in yes else "no"
    for code, text in (notes or {}).items():
        data[f"note_{code}"] = text
    data.update(extra)
    return data


def _checked(body, name, value):
    return re.search(rf'name="{name}" value="{value}"[^>]*\bchecked\b', body) is not None


def _text(code, child=False):
    return Indicator.objects.get(code=code).text(child=child)


# --- the rule ---------------------------------------------------------------------------


def test_nothing_answered_yes_is_no_indication(rule):
    outcome = rule()
    assert outcome.result == Result.NO_INDICATION
    assert outcome.reasons == [] and not outcome.child_protection


def test_one_strong_indicator_is_possible(rule):
    outcome = rule(yes=["confined"])
    assert outcome.result == Result.POSSIBLE
    assert outcome.reasons == ["confined"] and outcome.rule == "possible_strong"


def test_two_medium_indicators_are_possible(rule):
    outcome = rule(yes=MEDIUM[:2])
    assert outcome.result == Result.POSSIBLE
    assert sorted(outcome.reasons) == sorted(MEDIUM[:2]) and outcome.rule == "possible_medium"


def test_one_medium_indicator_is_no_indication(rule):
    assert rule(yes=MEDIUM[:1]).result == Result.NO_INDICATION


def test_two_strong_indicators_are_presumed(rule):
    outcome = rule(yes=STRONG[:2])
    assert outcome.result == Result.PRESUMED
    assert sorted(outcome.reasons) == sorted(STRONG[:2]) and outcome.rule == "strong"


def test_one_strong_and_two_medium_are_presumed(rule):
    outcome = rule(yes=[STRONG[0], *MEDIUM[:2]])
    assert outcome.result == Result.PRESUMED
    assert outcome.rule == "strong_with_medium"
    assert sorted(outcome.reasons) == sorted([STRONG[0], *MEDIUM[:2]])


def test_unknown_answers_never_raise_the_result(rule):
    everything = list(STRONG + MEDIUM) + ["sexual_exploitation"]
    assert rule(unknown=everything).result == Result.NO_INDICATION
    assert rule(unknown=everything, under_18="yes").result == Result.NO_INDICATION
    assert rule(yes=["confined"], unknown=everything[1:]).result == Result.POSSIBLE


def test_child_recruited_for_sexual_exploitation_is_presumed_without_force(rule):
    outcome = rule(yes=["sexual_exploitation"], under_18="yes")
    assert outcome.result == Result.PRESUMED
    assert outcome.child_protection and outcome.rule == "child_sexual"
    assert outcome.reasons == ["sexual_exploitation"]
    # Any sexual-exploitation indicator will do, a medium one too.
    assert rule(yes=["earnings_taken_sexual"], under_18="yes").result == Result.PRESUMED


def test_adult_sexual_exploitation_alone_is_possible(rule):
    outcome = rule(yes=["sexual_exploitation"], under_18="no")
    assert outcome.result == Result.POSSIBLE and not outcome.child_protection
    assert rule(yes=["sexual_exploitation"], under_18="unknown").result == Result.POSSIBLE


def test_child_without_sexual_exploitation_follows_the_rule_but_flags_protection(rule):
    outcome = rule(yes=["confined"], under_18="yes")
    assert outcome.result == Result.POSSIBLE and outcome.child_protection


def test_screening_stores_rule_set_version_and_reasons(caseworker, make_person):
    person = make_person(caseworker)
    screening = record_screening(
        membership=caseworker,
        person=person,
        answers={"confined": "yes", "documents_taken": "yes", "isolated": "unknown"},
        notes={"confined": "Locked in a greenhouse near Almaty."},
    )
    screening.refresh_from_db()
    assert screening.rule_set.version == RuleSet.objects.get(active=True).version == "2026.1"
    assert screening.result == Result.PRESUMED
    assert sorted(screening.reasons) == ["confined", "documents_taken"]
    # Every active indicator is stored; those left out count as unknown.
    assert screening.answers["wages_withheld"] == "unknown"
    assert screening.notes == {"confined": "Locked in a greenhouse near Almaty."}
    entry = AuditEntry.objects.get(action="create", target_type="screening")
    assert entry.detail["rules"] == "2026.1" and entry.detail["result"] == "presumed"


# --- the UI -----------------------------------------------------------------------------


def test_recording_a_presumed_victim_explains_the_result_and_next_steps(
    client, login, caseworker, make_person
):
    person = make_person(caseworker)
    login(caseworker)
    url = f"/screenings/new/?person={person.pk}"
    form = client.get(url)
    assert form.status_code == 200
    body = form.content.decode()
    assert _text("confined") in body and "Restriction of movement" in body
    response = client.post(
        url,
        _form_data(yes=["confined", "documents_taken"], notes={"confined": "Kept in a barn"}),
    )
    assert response.status_code == 302
    screening = Screening.objects.get(person=person)
    assert response["Location"] == f"/screenings/{screening.pk}/"
    body = client.get(response["Location"]).content.decode()
    assert "presumed victim" in body and "result-presumed" in body
    assert "at least 2 strong indicators were answered yes" in body
    assert _text("confined") in body and _text("documents_taken") in body
    assert "Retention of identity documents" in body and "Kept in a barn" in body
    assert "2026.1" in body and "Presumed victim: two or more strong indicators" in body
    assert "Next steps" in body
    assert f"/cases/open/{person.pk}/" in body
    assert f"/people/{person.pk}/#consent-h" in body
    assert "Shelter" in body and "Documents" in body and "Medical care" in body
    assert "Child protection steps" not in body


def test_no_indication_has_no_next_steps(client, login, caseworker, make_person):
    person = make_person(caseworker)
    login(caseworker)
    response = client.post(f"/screenings/new/?person={person.pk}", _form_data(), follow=True)
    body = response.content.decode()
    assert "no indication of trafficking" in body and "result-no_indication" in body
    assert "Next steps" not in body


def test_screening_from_a_case_links_the_case(client, login, caseworker, make_person, make_case):
    person = make_person(caseworker)
    case = make_case(caseworker, person)
    login(caseworker)
    response = client.post(
        f"/screenings/new/?person={person.pk}&case={case.pk}",
        _form_data(yes=["confined", "debt_bondage"]),
        follow=True,
    )
    screening = Screening.objects.get(person=person)
    assert screening.case == case
    body = response.content.decode()
    assert f"Update case {case.reference}" in body and f"/cases/{case.pk}/" in body


def test_child_wording_with_child_1(client, login, caseworker, make_person):
    person = make_person(caseworker)
    login(caseworker)
    adult = client.get(f"/screenings/new/?person={person.pk}").content.decode()
    assert _text("sexual_exploitation") in adult
    assert _text("sexual_exploitation", child=True) not in adult
    child = client.get(f"/screenings/new/?person={person.pk}&child=1").content.decode()
    assert _text("sexual_exploitation", child=True) in child
    assert _text("sexual_exploitation") not in child
    # Questions without a child wording keep their ordinary text.
    assert _text("documents_taken") in child
    assert 'name="wording" value="child"' in child


def test_switching_wording_keeps_what_was_typed(client, login, caseworker, make_person):
    person = make_person(caseworker)
    login(caseworker)
    url = f"/screenings/new/?person={person.pk}"
    data = _form_data(yes=["confined"], notes={"confined": "Door locked at night"})
    data["action"] = "child"
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert _text("confined", child=True) in body and "Door locked at night" in body
    assert _checked(body, "answer_confined", "yes")
    assert not Screening.objects.exists()
    # The htmx request made when "under 18" changes: child wording by the answer itself.
    preview = _form_data(under_18="yes", notes={"isolated": "No phone"})
    preview["action"] = "preview"
    body = client.post(url, preview, HTTP_HX_REQUEST="true").content.decode()
    assert _text("isolated", child=True) in body
    # Only texts come back: no answer or note in flight can be overwritten by the reply.
    assert "No phone" not in body
    assert not re.search(r'<(input|textarea)(?![^>]*type="hidden")', body)
    assert not Screening.objects.exists()


def test_child_sexual_exploitation_flags_child_protection(client, login, caseworker, make_person):
    person = make_person(caseworker)
    login(caseworker)
    response = client.post(
        f"/screenings/new/?person={person.pk}",
        _form_data(yes=["sexual_exploitation"], under_18="yes"),
        follow=True,
    )
    screening = Screening.objects.get(person=person)
    assert screening.result == Result.PRESUMED and screening.child_protection
    body = response.content.decode()
    assert "Child protection steps" in body and "guardianship" in body
    assert "Do not interview the child alone" in body
    assert "without proof of force, fraud or coercion" in body
    assert _text("sexual_exploitation", child=True) in body


def test_validation_error_keeps_what_was_typed(client, login, caseworker, make_person):
    person = make_person(caseworker)
    login(caseworker)
    future = timezone.localdate() + datetime.timedelta(days=3)
    data = _form_data(
        yes=["confined"],
        under_18="yes",
        screened_on=future,
        notes={"confined": "Kept in a basement", "isolated": "x" * 1001},
    )
    response = client.post(f"/screenings/new/?person={person.pk}", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "is in the future" in body
    assert "at most 1000 characters" in body
    assert "Kept in a basement" in body and future.isoformat() in body
    assert _checked(body, "answer_confined", "yes")
    assert _checked(body, "under_18_at_exploitation", "yes")
    assert not _checked(body, "answer_confined", "no")
    assert _text("confined", child=True) in body  # still the child wording
    assert not Screening.objects.exists()


def test_other_organisations_records_are_404(
    client, login, caseworker, other_org, make_member, make_person, make_case
):
    stranger = make_member(other_org, "case_worker")
    their_person = make_person(stranger, family_name="Сыдыкова")
    their_case = make_case(stranger, their_person)
    their_screening = record_screening(
        membership=stranger, person=their_person, answers={"confined": "yes"}
    )
    mine = make_person(caseworker)
    login(caseworker)
    for url in (
        f"/screenings/new/?person={their_person.pk}",
        f"/screenings/new/?person={mine.pk}&case={their_case.pk}",
        f"/screenings/{their_screening.pk}/",
        f"/screenings/person/{their_person.pk}/",
        "/screenings/new/?person=abc",
        "/screenings/new/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Сыдыкова" not in response.content.decode()
    response = client.post(f"/screenings/new/?person={their_person.pk}", _form_data())
    assert response.status_code == 404
    assert Screening.objects.count() == 1


def test_case_of_another_person_is_404(client, login, caseworker, make_person, make_case):
    person = make_person(caseworker)
    other = make_person(caseworker, given_name="Нурлан")
    case = make_case(caseworker, other)
    login(caseworker)
    assert client.get(f"/screenings/new/?person={person.pk}&case={case.pk}").status_code == 404


@pytest.mark.parametrize("role", ["monitor", "auditor", "me_officer", "national_coordinator"])
def test_roles_without_client_access_get_403(
    client, login, org, make_member, caseworker, make_person, role
):
    person = make_person(caseworker, family_name="Маматова")
    screening = record_screening(membership=caseworker, person=person, answers={})
    login(make_member(org, role))
    for url in (
        f"/screenings/new/?person={person.pk}",
        f"/screenings/{screening.pk}/",
        f"/screenings/person/{person.pk}/",
        "/api/v1/screenings/",
        f"/api/v1/screenings/{screening.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 403, (role, url)
        assert "Маматова" not in response.content.decode()
    response = client.post(f"/screenings/new/?person={person.pk}", _form_data())
    assert response.status_code == 403
    assert Screening.objects.count() == 1


def test_viewing_a_screening_is_audited(client, login, caseworker, make_person):
    person = make_person(caseworker)
    screening = record_screening(membership=caseworker, person=person, answers={})
    login(caseworker)
    assert client.get(f"/screenings/{screening.pk}/").status_code == 200
    entry = AuditEntry.objects.get(action="view", target_type="screening")
    assert entry.target_id == str(screening.pk)
    assert entry.actor == caseworker.user and entry.detail == {"person": person.pk}


def test_history_lists_screenings_of_the_person(client, login, caseworker, make_person):
    person = make_person(caseworker)
    other = make_person(caseworker, given_name="Нурлан")
    first = record_screening(membership=caseworker, person=person, answers={"confined": "yes"})
    second = record_screening(
        membership=caseworker,
        person=person,
        answers={"confined": "yes", "documents_taken": "yes"},
    )
    theirs = record_screening(membership=caseworker, person=other, answers={})
    login(caseworker)
    body = client.get(f"/screenings/person/{person.pk}/").content.decode()
    assert str(first) in body and str(second) in body and str(theirs) not in body
    assert "possible victim" in body and "presumed victim" in body
    assert body.index(str(second)) < body.index(str(first))  # newest first
    assert AuditEntry.objects.filter(
        action="view", target_type="person", target_id=str(person.pk)
    ).exists()
    # The person page lists them too and offers a new screening.
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert str(first) in page and str(theirs) not in page
    assert f"/screenings/new/?person={person.pk}" in page and "Screen for trafficking" in page


# --- the API ----------------------------------------------------------------------------


def test_api_create_and_read(client, login, caseworker, make_person):
    person = make_person(caseworker)
    login(caseworker)
    r = client.post(
        "/api/v1/screenings/",
        {
            "person": person.pk,
            "under_18_at_exploitation": "yes",
            "answers": {"sexual_exploitation": "yes", "isolated": "unknown"},
            "notes": {"sexual_exploitation": "Brought to a sauna in Osh"},
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    row = r.json()
    assert row["result"] == "presumed" and row["child_protection"] is True
    assert row["reasons"] == ["sexual_exploitation"] and row["rule_set"] == "2026.1"
    assert row["answers"]["confined"] == "unknown"
    assert row["notes"] == {"sexual_exploitation": "Brought to a sauna in Osh"}
    one = client.get(f"/api/v1/screenings/{row['id']}/")
    assert one.status_code == 200 and one.json()["person"] == person.pk
    assert AuditEntry.objects.filter(
        action="view", target_type="screening", target_id=str(row["id"])
    ).exists()
    # Screenings are never changed or deleted.
    assert (
        client.patch(
            f"/api/v1/screenings/{row['id']}/", {}, content_type="application/json"
        ).status_code
        == 405
    )
    assert client.delete(f"/api/v1/screenings/{row['id']}/").status_code == 405


def test_api_validates_like_the_ui(client, login, caseworker, make_person):
    person = make_person(caseworker)
    login(caseworker)

    def post(payload):
        return client.post("/api/v1/screenings/", payload, content_type="application/json")

    assert post({"person": person.pk, "answers": {"confined": "maybe"}}).status_code == 400
    r = post({"person": person.pk, "answers": {"flying_saucer": "yes"}})
    assert r.status_code == 400 and "flying_saucer" in r.content.decode()
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    r = post({"person": person.pk, "answers": {}, "screened_on": future})
    assert r.status_code == 400 and "screened_on" in r.json()
    r = post({"person": person.pk, "answers": {}, "notes": {"confined": "x" * 1001}})
    assert r.status_code == 400 and "notes" in r.json()
    assert not Screening.objects.exists()


def test_api_scoping(client, login, caseworker, other_org, make_member, make_person, make_case):
    stranger = make_member(other_org, "case_worker")
    their_person = make_person(stranger)
    their_case = make_case(stranger, their_person)
    theirs = record_screening(membership=stranger, person=their_person, answers={})
    person = make_person(caseworker)
    mine = record_screening(membership=caseworker, person=person, answers={})
    login(caseworker)
    listing = client.get("/api/v1/screenings/").json()
    assert [row["id"] for row in listing["results"]] == [mine.pk]
    assert client.get(f"/api/v1/screenings/{theirs.pk}/").status_code == 404
    assert client.get("/api/v1/screenings/", {"person": their_person.pk}).status_code == 404
    assert client.get("/api/v1/screenings/", {"person": person.pk}).json()["count"] == 1
    r = client.post(
        "/api/v1/screenings/",
        {"person": their_person.pk, "answers": {}},
        content_type="application/json",
    )
    assert r.status_code == 404
    r = client.post(
        "/api/v1/screenings/",
        {"person": person.pk, "case": their_case.pk, "answers": {}},
        content_type="application/json",
    )
    assert r.status_code == 404
    assert Screening.objects.count() == 2


def test_api_schema_documents_screenings(client, login, caseworker):
    login(caseworker)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/screenings/" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/screenings/"]
