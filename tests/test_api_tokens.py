"""API tokens: hashed, expiring, bound to one membership, listed and revoked by their
owner, the organisation admin and the operator; made only from a session that proved
the second factor."""

import hashlib
import json
import time
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from apps.accounts.models import Membership
from apps.api.models import ApiToken
from apps.core.models import AuditEntry
from tests.conftest import PASSWORD

ME = "/api/v1/me/"


@pytest.fixture(autouse=True)
def _tolerant_totp(settings):
    settings.MFA_TOTP_TOLERANCE = 1


def make_token(membership, *extra, capsys) -> str:
    call_command(
        "create_api_token",
        membership.user.email,
        "--organization",
        membership.organization.slug,
        *extra,
    )
    out = capsys.readouterr().out.strip().splitlines()
    return out[-1]


def auth(secret, keyword="Token"):
    return {"HTTP_AUTHORIZATION": f"{keyword} {secret}"}


def give_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def sign_in(client, user, totp_secret=None):
    r = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    if totp_secret:
        code = format_hotp_value(hotp_value(totp_secret, int(time.time()) // 30))
        r = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert "_auth_user_id" in client.session
    return r


# --- The command ------------------------------------------------------------------------


def test_command_makes_a_new_token_each_time_and_prints_its_expiry(caseworker, capsys):
    call_command(
        "create_api_token", caseworker.user.email, "--organization", caseworker.organization.slug
    )
    first = capsys.readouterr().out.strip().splitlines()
    expires = (timezone.now() + timedelta(days=90)).strftime("%Y-%m-%d")
    assert f"expires {expires}" in first[0]
    second = make_token(caseworker, "--days", "7", "--name", "sync", capsys=capsys)
    assert first[-1] != second
    tokens = ApiToken.objects.filter(membership=caseworker).order_by("id")
    assert tokens.count() == 2
    assert tokens[1].name == "sync"
    assert tokens[1].expires_at - tokens[1].created_at == timedelta(days=7)


def test_default_validity_comes_from_the_setting(caseworker, capsys, settings):
    settings.KOLDOO_API_TOKEN_DAYS = 30
    make_token(caseworker, capsys=capsys)
    token = ApiToken.objects.get(membership=caseworker)
    assert token.expires_at - token.created_at == timedelta(days=30)


def test_command_needs_the_membership_in_that_organisation(caseworker, other_org):
    with pytest.raises(CommandError, match="no active membership"):
        call_command("create_api_token", caseworker.user.email, "--organization", other_org.slug)


def test_token_is_stored_only_as_a_hash(client, caseworker, capsys):
    secret = make_token(caseworker, capsys=capsys)
    token = ApiToken.objects.get(membership=caseworker)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    # 32 random bytes (43 characters of base64url) after the recognisable "koldoo_".
    assert secret.startswith(token.prefix) and len(secret) == len("koldoo_") + 43
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM api_apitoken")
        stored = " ".join(str(v) for row in cur.fetchall() for v in row)
    assert secret not in stored and secret[len(token.prefix) :] not in stored
    assert not AuditEntry.objects.filter(detail__icontains=secret[len(token.prefix) :]).exists()
    assert client.get(ME, **auth(secret)).status_code == 200


def test_plaintext_authtoken_table_and_app_are_gone(db):
    assert "rest_framework.authtoken" not in django_settings.INSTALLED_APPS
    assert "authtoken_token" not in connection.introspection.table_names()


# --- What a token acts as, and when it works -------------------------------------------


def test_token_acts_as_its_own_membership_not_the_first_one(client, make_org, make_member, capsys):
    # "Test a-first" sorts before "Test z-last": the old code took the first membership.
    first = make_member(make_org("a-first"), "org_admin", email="two.hats@test.example")
    second = make_member(make_org("z-last"), "me_officer", email="two.hats@test.example")
    secret = make_token(second, capsys=capsys)
    r = client.get(ME, **auth(secret))
    assert r.status_code == 200
    assert r.json()["organization"] == "z-last" and r.json()["role"] == "me_officer"
    # The me_officer role reads no person, whatever the user may do elsewhere.
    assert client.get("/api/v1/people/", **auth(secret)).status_code == 403
    assert first.organization.slug == "a-first"


def test_token_keeps_its_membership_when_a_session_cookie_comes_along(
    client, login, make_org, make_member, capsys
):
    home = make_member(make_org("a-first"), "org_admin", email="two.hats@test.example")
    officer = make_member(make_org("z-last"), "me_officer", email="two.hats@test.example")
    secret = make_token(officer, capsys=capsys)
    login(home)
    assert client.get(ME, **auth(secret)).json()["organization"] == "z-last"


def test_bearer_keyword_is_accepted(client, caseworker, capsys):
    secret = make_token(caseworker, capsys=capsys)
    assert client.get(ME, **auth(secret, "Bearer")).status_code == 200


def test_unknown_token_is_refused_with_401(client, db):
    r = client.get(ME, **auth("koldoo_" + "x" * 43))
    assert r.status_code == 401


def test_expired_token_stops_working(client, caseworker, capsys):
    secret = make_token(caseworker, capsys=capsys)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(ME, **auth(secret)).status_code == 401


def test_token_of_an_ended_membership_stops_working(client, caseworker, capsys):
    secret = make_token(caseworker, capsys=capsys)
    Membership.objects.filter(pk=caseworker.pk).update(is_active=False)
    assert client.get(ME, **auth(secret)).status_code == 401


def test_token_of_a_deactivated_user_stops_working(client, caseworker, capsys):
    secret = make_token(caseworker, capsys=capsys)
    caseworker.user.is_active = False
    caseworker.user.save()
    assert client.get(ME, **auth(secret)).status_code == 401


def test_token_stops_while_the_owner_lacks_a_required_second_factor(
    client, org, caseworker, capsys
):
    secret = make_token(caseworker, capsys=capsys)
    org.require_mfa = True
    org.save()
    r = client.get(ME, **auth(secret))
    assert r.status_code == 401 and "two-factor" in r.json()["detail"]
    give_totp(caseworker.user)
    assert client.get(ME, **auth(secret)).status_code == 200


def test_use_is_remembered(client, caseworker, capsys):
    secret = make_token(caseworker, capsys=capsys)
    client.get(ME, **auth(secret))
    assert ApiToken.objects.get().last_used_at is not None


# --- Making tokens in the UI ------------------------------------------------------------


def test_session_without_the_second_factor_cannot_make_a_token(client, caseworker):
    give_totp(caseworker.user)
    client.force_login(caseworker.user)  # no second factor in this session
    page = client.get("/api-tokens/")
    assert page.status_code == 200 and "/accounts/2fa/reauthenticate/" in page.content.decode()
    client.post("/api-tokens/", {"name": "laptop", "days": 30})
    assert not ApiToken.objects.exists()


def test_session_that_passed_the_second_factor_makes_a_token_shown_once(client, caseworker):
    secret = give_totp(caseworker.user)
    sign_in(client, caseworker.user, totp_secret=secret)
    r = client.post("/api-tokens/", {"name": "laptop", "days": 30})
    assert r.status_code == 200
    token = ApiToken.objects.get(membership=caseworker)
    shown = r.context["created"].secret
    assert (
        shown in r.content.decode() and token.digest == hashlib.sha256(shown.encode()).hexdigest()
    )
    assert token.created_by == caseworker.user
    assert shown not in client.get("/api-tokens/").content.decode()
    entry = AuditEntry.objects.filter(target_type="apitoken", action="create").get()
    assert entry.detail["prefix"] == token.prefix and shown not in str(entry.detail)
    client.logout()
    assert client.get(ME, **auth(shown)).json()["organization"] == caseworker.organization.slug


def test_required_second_factor_blocks_tokens_from_a_password_only_session(client, org, caseworker):
    org.require_mfa = True
    org.save()
    give_totp(caseworker.user)
    client.force_login(caseworker.user)
    client.post("/api-tokens/", {"name": "laptop", "days": 30})
    assert not ApiToken.objects.exists()


def test_member_without_a_second_factor_or_rule_makes_a_token_from_a_password_session(
    client, caseworker
):
    sign_in(client, caseworker.user)
    r = client.post("/api-tokens/", {"name": "laptop", "days": 30})
    assert r.status_code == 200 and ApiToken.objects.filter(membership=caseworker).exists()


def test_validity_beyond_the_maximum_is_refused(client, caseworker):
    sign_in(client, caseworker.user)
    r = client.post("/api-tokens/", {"name": "forever", "days": 100000})
    assert r.status_code == 200 and not ApiToken.objects.exists()


# --- Listing and revoking ---------------------------------------------------------------


def test_owner_lists_and_revokes_their_token(client, login, caseworker, capsys):
    secret = make_token(caseworker, "--name", "sync job", capsys=capsys)
    token = ApiToken.objects.get()
    login(caseworker)
    page = client.get("/api-tokens/").content.decode()
    assert "sync job" in page and token.prefix in page
    r = client.post(f"/api-tokens/{token.pk}/revoke/")
    assert r.status_code == 302
    assert client.get(ME, **auth(secret)).status_code == 401
    entry = AuditEntry.objects.filter(target_type="apitoken", action="change").get()
    assert entry.actor == caseworker.user and entry.detail["revoked"] is True


def test_org_admin_lists_and_revokes_a_members_token(
    client, login, org, caseworker, make_member, capsys
):
    admin = make_member(org, "org_admin")
    secret = make_token(caseworker, "--name", "sync job", capsys=capsys)
    token = ApiToken.objects.get()
    login(admin)
    page = client.get("/api-tokens/organisation/").content.decode()
    assert caseworker.user.email in page and "sync job" in page
    client.post(f"/api-tokens/{token.pk}/revoke/", {"back": "organisation"})
    assert client.get(ME, **auth(secret)).status_code == 401
    token.refresh_from_db()
    assert token.revoked_by == admin.user


def test_member_cannot_revoke_a_colleagues_token(
    client, login, org, caseworker, make_member, capsys
):
    colleague = make_member(org, "lawyer")
    secret = make_token(caseworker, capsys=capsys)
    token = ApiToken.objects.get()
    login(colleague)
    assert client.get("/api-tokens/organisation/").status_code == 403
    assert client.post(f"/api-tokens/{token.pk}/revoke/").status_code == 404
    assert client.get(ME, **auth(secret)).status_code == 200


def test_admin_of_another_organisation_gets_404(
    client, login, caseworker, other_org, make_member, capsys
):
    stranger = make_member(other_org, "org_admin")
    make_token(caseworker, "--name", "sync job", capsys=capsys)
    token = ApiToken.objects.get()
    login(stranger)
    assert "sync job" not in client.get("/api-tokens/organisation/").content.decode()
    assert client.post(f"/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_commands_list_and_revoke_tokens(client, caseworker, capsys):
    secret = make_token(caseworker, "--name", "sync job", capsys=capsys)
    token = ApiToken.objects.get()
    call_command("list_api_tokens", "--organization", caseworker.organization.slug)
    listed = capsys.readouterr().out
    assert token.prefix in listed and "sync job" in listed and secret not in listed
    call_command("revoke_api_token", token.prefix)
    assert "Revoked" in capsys.readouterr().out
    assert client.get(ME, **auth(secret)).status_code == 401
    call_command("list_api_tokens")
    assert "No tokens." in capsys.readouterr().out


def test_token_requests_answer_in_the_owners_language(client, caseworker, capsys):
    caseworker.user.language = "ru"
    caseworker.user.save(update_fields=["language"])
    secret = make_token(caseworker, capsys=capsys)
    response = client.post("/api/v1/people/", {}, content_type="application/json", **auth(secret))
    assert response.status_code == 400
    assert "Обязательное поле." in json.dumps(response.json(), ensure_ascii=False)
    # A client that names its language (and keeps no cookies) gets that one.
    client.cookies.clear()
    response = client.post(
        "/api/v1/people/",
        {},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **auth(secret),
    )
    assert "This field is required." in json.dumps(response.json())
