"""The organisation's two-factor rule holds for sessions and the Django admin, and
turning it on never locks a member out."""

import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _tolerant_totp(settings):
    # A code computed just before a 30-second boundary stays valid just after it.
    settings.MFA_TOTP_TOLERANCE = 1


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def give_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def sign_in(client, user, totp_secret=None):
    """Sign in through allauth's own pages, with the second factor when the user has one."""
    r = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert r.status_code == 302, r.content
    if totp_secret:
        assert r["Location"].startswith("/accounts/2fa/authenticate/")
        r = client.post("/accounts/2fa/authenticate/", {"code": current_code(totp_secret)})
        assert r.status_code == 302, r.content
    assert "_auth_user_id" in client.session
    return r


@pytest.fixture
def staff(make_org, make_member):
    m = make_member(make_org("operators"), "org_admin", email="operator@test.example")
    m.user.is_staff = True
    m.user.is_superuser = True
    m.user.save()
    return m


# --- Turning the rule on never locks a member out ---------------------------------------


def test_member_with_an_unverified_address_can_set_up_totp_when_the_rule_is_on(
    client, org, caseworker
):
    user = caseworker.user
    # A change of address waits for confirmation: allauth would refuse a second factor.
    EmailAddress.objects.create(user=user, email="new.address@test.example", verified=False)
    org.require_mfa = True
    org.save()
    sign_in(client, user)
    assert client.get("/people/")["Location"].endswith("/accounts/2fa/totp/activate/")
    # allauth asks for the password again before adding an authenticator.
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    secret = client.session["mfa.totp.secret"]
    r = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert r.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get("/people/").status_code == 200


# --- The Django admin -------------------------------------------------------------------


def test_admin_login_goes_through_the_common_sign_in(client, db):
    r = client.get("/admin/login/?next=/admin/")
    assert r.status_code == 302
    assert r["Location"].startswith("/accounts/login/") and "next=" in r["Location"]
    # Its own password form is not offered: posting to it signs nobody in.
    client.post("/admin/login/?next=/admin/", {"username": "x@test.example", "password": "x"})
    assert "_auth_user_id" not in client.session


def test_admin_refuses_a_session_that_skipped_the_second_factor(client, staff):
    give_totp(staff.user)
    client.force_login(staff.user)  # a session with no record of the second factor
    r = client.get("/admin/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/2fa/reauthenticate/")
    assert client.get("/admin/accounts/user/").status_code == 302


def test_admin_opens_after_sign_in_with_the_second_factor(client, staff):
    secret = give_totp(staff.user)
    sign_in(client, staff.user, totp_secret=secret)
    assert client.get("/admin/").status_code == 200


def test_admin_sends_a_member_of_a_two_factor_organisation_to_set_it_up(client, staff):
    staff.organization.require_mfa = True
    staff.organization.save()
    client.force_login(staff.user)
    r = client.get("/admin/")
    assert r.status_code == 302 and r["Location"].endswith("/accounts/2fa/totp/activate/")


def test_admin_without_a_second_factor_anywhere_opens_with_password(client, staff):
    sign_in(client, staff.user)
    assert client.get("/admin/").status_code == 200
