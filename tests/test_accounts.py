"""Sign-in, two-factor requirement, organisation admin, language preference."""

import pytest
from django.core import mail

from apps.core.models import AuditEntry
from tests.conftest import PASSWORD


def test_sign_in_with_email_and_password(client, caseworker):
    r = client.post("/accounts/login/", {"login": caseworker.user.email, "password": PASSWORD})
    assert r.status_code == 302
    assert client.get("/").status_code == 200


def test_self_sign_up_is_closed(client, db):
    from apps.accounts.models import User

    r = client.get("/accounts/signup/")
    assert "closed" in r.content.decode().lower()
    # Posting the form anyway creates no account and signs nobody in.
    r = client.post(
        "/accounts/signup/",
        {
            "email": "stranger@example.org",
            "password1": "Xy-987654-long",
            "password2": "Xy-987654-long",
        },
    )
    assert not User.objects.filter(email="stranger@example.org").exists()
    assert "_auth_user_id" not in client.session


def test_repeated_failed_sign_ins_are_rate_limited(client, caseworker):
    codes = [
        client.post("/accounts/login/", {"login": caseworker.user.email, "password": f"bad-{i}"})
        for i in range(8)
    ]
    last = codes[-1]
    assert last.status_code == 429 or "Too many" in last.content.decode()
    # Even the right password is refused while the limit holds.
    r = client.post("/accounts/login/", {"login": caseworker.user.email, "password": PASSWORD})
    assert r.status_code != 302


def test_password_reset_sends_an_email(client, caseworker):
    r = client.post("/accounts/password/reset/", {"email": caseworker.user.email})
    assert r.status_code == 302
    assert len(mail.outbox) == 1 and caseworker.user.email in mail.outbox[0].to


def test_required_two_factor_sends_member_to_setup(client, org, caseworker):
    org.require_mfa = True
    org.save()
    client.post("/accounts/login/", {"login": caseworker.user.email, "password": PASSWORD})
    r = client.get("/people/")
    assert r.status_code == 302 and r["Location"].endswith("/accounts/2fa/totp/activate/")
    # allauth asks for the password again before an authenticator is added.
    setup = client.get("/accounts/2fa/totp/activate/", follow=True)
    assert setup.status_code == 200 and 'name="password"' in setup.content.decode()


def test_member_with_totp_passes_the_requirement(client, login, org, caseworker):
    from allauth.mfa.models import Authenticator

    org.require_mfa = True
    org.save()
    Authenticator.objects.create(
        user=caseworker.user, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    login(caseworker)
    assert client.get("/people/").status_code == 200


def test_admin_requires_two_factor_and_it_is_audited(client, login, org, make_member):
    admin = make_member(org, "org_admin")
    login(admin)
    r = client.post("/organisation/", {"form": "settings", "require_mfa": "on"})
    assert r.status_code == 302
    org.refresh_from_db()
    assert org.require_mfa
    assert AuditEntry.objects.filter(action="change", target_type="organization").exists()


def test_admin_invites_and_ends_a_member(client, login, org, make_member):
    admin = make_member(org, "org_admin")
    login(admin)
    r = client.post(
        "/organisation/",
        {"form": "member", "email": "new.worker@test.example", "role": "lawyer"},
    )
    assert r.status_code == 302
    # Adding a member sends an invitation; the membership comes when it is accepted.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.worker@test.example"]
    assert not org.memberships.filter(user__email="new.worker@test.example").exists()
    worker = make_member(org, "lawyer", email="other.worker@test.example")
    assert client.post(f"/organisation/members/{worker.pk}/end/").status_code == 302
    worker.refresh_from_db()
    assert not worker.is_active


def test_bad_member_input_keeps_what_was_typed(client, login, org, make_member):
    login(make_member(org, "org_admin"))
    r = client.post(
        "/organisation/",
        {"form": "member", "email": "not-an-address", "full_name": "Асель", "role": "lawyer"},
    )
    assert r.status_code == 200
    body = r.content.decode()
    assert 'value="Асель"' in body and "errorlist" in body


@pytest.mark.parametrize("role", ["case_worker", "auditor", "national_coordinator"])
def test_only_admins_manage_the_organisation(client, login, org, make_member, role):
    login(make_member(org, role))
    assert client.get("/organisation/").status_code == 403


def test_admin_cannot_end_another_organisations_membership(
    client, login, org, other_org, make_member
):
    login(make_member(org, "org_admin"))
    foreign = make_member(other_org, "case_worker")
    assert client.post(f"/organisation/members/{foreign.pk}/end/").status_code == 404


def test_language_choice_is_remembered_on_the_user(client, login, caseworker):
    login(caseworker)
    client.post("/language/", {"language": "ky", "next": "/"})
    caseworker.user.refresh_from_db()
    assert caseworker.user.language == "ky"
    client.cookies.clear()
    login(caseworker)
    page = client.get("/")
    assert 'lang="ky"' in page.content.decode()


def test_switching_organisation(client, login, org, other_org, make_member):
    first = make_member(org, "case_worker", email="two.hats@test.example")
    second = make_member(other_org, "lawyer", email="two.hats@test.example")
    login(first)
    # Two organisations and no choice yet: the member is asked, nothing is picked.
    r = client.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/organisation/choose/")
    client.post("/organisation/switch/", {"membership": second.pk})
    assert client.get("/").context["membership"] == second
    # A membership of someone else cannot be chosen.
    stranger = make_member(other_org, "case_worker")
    assert client.post("/organisation/switch/", {"membership": stranger.pk}).status_code == 403


def test_idle_session_expires_after_thirty_minutes(client, caseworker):
    client.post("/accounts/login/", {"login": caseworker.user.email, "password": PASSWORD})
    client.get("/")
    assert 1700 <= client.session.get_expiry_age() <= 1800
    # Browser-close ends the session too.
    assert client.session.get_expire_at_browser_close()
