"""An operator's unfinished intake is theirs: another operator cannot open or save it;
an organisation admin can take it over, and that is audited."""

import pytest

from apps.core.models import AuditEntry
from apps.hotline import services
from apps.hotline.models import Call


@pytest.fixture
def operator(org, make_member):
    return make_member(org, "operator")


@pytest.fixture
def colleague(org, make_member):
    return make_member(org, "operator", email="second.operator@test.example")


@pytest.fixture
def draft(operator):
    return services.save_call(
        membership=operator, data={"summary": "Caller afraid of her employer in Moscow"}
    )


def test_another_operator_of_the_same_organisation_gets_404(client, login, colleague, draft):
    login(colleague)
    assert client.get(f"/hotline/{draft.pk}/").status_code == 404
    assert client.get(f"/hotline/{draft.pk}/edit/").status_code == 404
    assert client.get(f"/api/v1/calls/{draft.pk}/").status_code == 404
    listed = client.get("/api/v1/calls/").json()
    assert draft.pk not in [c["id"] for c in listed.get("results", listed)]
    assert draft.reference not in client.get("/hotline/").content.decode()


def test_another_operator_cannot_save_over_the_draft(client, login, colleague, draft):
    login(colleague)
    r = client.post("/hotline/autosave/", {"call_id": draft.pk, "summary": "Overwritten"})
    assert r.status_code == 404
    r = client.patch(
        f"/api/v1/calls/{draft.pk}/", {"summary": "Overwritten"}, content_type="application/json"
    )
    assert r.status_code == 404
    draft.refresh_from_db()
    assert draft.summary == "Caller afraid of her employer in Moscow"


def test_the_operator_keeps_working_on_their_own_draft(client, login, operator, draft):
    login(operator)
    assert client.get(f"/hotline/{draft.pk}/edit/").status_code == 200
    r = client.post("/hotline/autosave/", {"call_id": draft.pk, "summary": "More details"})
    assert r.status_code == 200
    draft.refresh_from_db()
    assert draft.summary == "More details"


def test_an_admin_takes_the_draft_over_and_it_is_audited(
    client, login, org, make_member, operator, draft
):
    admin = make_member(org, "org_admin")
    login(admin)
    assert client.get(f"/hotline/{draft.pk}/edit/").status_code == 404
    assert draft.reference in client.get("/hotline/").content.decode()
    r = client.post(f"/hotline/{draft.pk}/take-over/")
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.operator == admin.user and draft.is_draft
    entry = AuditEntry.objects.get(
        action=AuditEntry.Action.CHANGE, target_type="call", target_id=str(draft.pk)
    )
    assert entry.actor == admin.user and entry.detail["taken_over_from"] == operator.user.pk
    assert client.get(f"/hotline/{draft.pk}/edit/").status_code == 200
    # The operator no longer has it.
    login(operator)
    assert client.get(f"/hotline/{draft.pk}/edit/").status_code == 404


def test_an_operator_cannot_take_over_a_colleagues_draft(client, login, colleague, draft):
    login(colleague)
    assert client.post(f"/hotline/{draft.pk}/take-over/").status_code == 404
    assert Call.objects.get(pk=draft.pk).operator_id != colleague.user.pk
