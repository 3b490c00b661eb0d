"""Attacks on accounts and memberships: an unverified address as someone's sign-in,
an account attached by another organisation, an organisation picked for the user,
the coordinator role given by an organisation admin, sign-ins seen by strangers."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command

from apps.accounts.models import Invitation, Membership, User
from apps.core.models import AuditEntry
from tests.conftest import PASSWORD


def _sign_in(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


@pytest.fixture
def attacker(other_org, make_member):
    return make_member(other_org, "case_worker", email="attacker@test.example")


def test_an_unverified_address_never_becomes_the_sign_in(client, attacker):
    _sign_in(client, "attacker@test.example")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.post("/accounts/email/", {"action_add": "", "email": "victim@test.example"})
    client.post("/accounts/email/", {"action_primary": "", "email": "victim@test.example"})
    attacker.user.refresh_from_db()
    assert attacker.user.email == "attacker@test.example"
    assert not EmailAddress.objects.filter(email="victim@test.example", verified=True).exists()
    # Nor does the pending address sign anyone in.
    client.logout()
    _sign_in(client, "victim@test.example")
    assert "_auth_user_id" not in client.session


def test_address_claimed_by_another_organisation_gives_no_access(
    client, login, org, attacker, make_member, make_person
):
    admin = make_member(org, "org_admin")
    person = make_person(admin)
    # The attacker claims the address the victim organisation is about to add.
    _sign_in(client, "attacker@test.example")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.post("/accounts/email/", {"action_add": "", "email": "newhire@test.example"})
    client.post("/accounts/email/", {"action_primary": "", "email": "newhire@test.example"})
    client.logout()
    mail.outbox.clear()
    login(admin)
    client.post(
        "/organisation/",
        {"form": "member", "email": "newhire@test.example", "role": "case_worker",
         "password": "Ignored-pass-2026"},
    )  # fmt: skip
    assert [m.to for m in mail.outbox] == [["newhire@test.example"]]
    link = re.search(r"(/organisation/join/[^/\s]+/)", mail.outbox[0].body)[1]
    # Even holding the link, the attacker's account cannot take the role.
    client.logout()
    _sign_in(client, "attacker@test.example")
    assert client.post(link).status_code == 403
    assert not Membership.objects.filter(user=attacker.user, organization=org).exists()
    assert client.get(f"/people/{person.pk}/").status_code == 404


def test_changing_the_sign_in_address_needs_the_password(client, attacker):
    _sign_in(client, "attacker@test.example")  # signing in is not re-entering the password
    r = client.post("/accounts/email/", {"action_add": "", "email": "new@test.example"})
    assert r.status_code == 302 and "/reauthenticate/" in r["Location"]
    assert not EmailAddress.objects.filter(email="new@test.example").exists()


def test_new_address_counts_only_once_confirmed(client, attacker):
    _sign_in(client, "attacker@test.example")
    # The password again, then the new address.
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    mail.outbox.clear()
    client.post("/accounts/email/", {"action_add": "", "email": "moved@test.example"})
    attacker.user.refresh_from_db()
    assert attacker.user.email == "attacker@test.example"
    confirm = re.search(r"(/accounts/confirm-email/[^/\s]+/)", mail.outbox[0].body)[1]
    client.post(confirm)
    attacker.user.refresh_from_db()
    assert attacker.user.email == "moved@test.example"


def test_existing_accounts_keep_signing_in_after_the_upgrade(client, db, attacker):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "apps.accounts.migrations.0004_existing_addresses_count_as_verified"
    )
    old = User.objects.create_user("old.timer@test.example", PASSWORD)
    # A claim another account made on the address before verification existed.
    EmailAddress.objects.create(user=attacker.user, email="old.timer@test.example")
    migration.verify_current_addresses(apps, None)
    assert old.emailaddress_set.get().verified
    assert not attacker.user.emailaddress_set.filter(email="old.timer@test.example").exists()
    r = _sign_in(client, "old.timer@test.example")
    assert r.status_code == 302 and client.session["_auth_user_id"] == str(old.pk)


def test_with_several_organisations_the_user_is_asked(client, org, other_org, make_member):
    first = make_member(org, "case_worker", email="two.hats@test.example")
    second = make_member(other_org, "lawyer", email="two.hats@test.example")
    _sign_in(client, "two.hats@test.example")
    r = client.get("/people/")
    assert r.status_code == 302 and r["Location"].startswith("/organisation/choose/")
    page = client.get(r["Location"])
    assert str(first.organization) in page.content.decode()
    client.post("/organisation/switch/", {"membership": second.pk})
    # The choice holds in the next sign-in, on another device.
    client.logout()
    _sign_in(client, "two.hats@test.example")
    assert client.get("/").context["membership"] == second


def test_an_invitation_not_accepted_gives_no_organisation(client, login, org, attacker,
                                                          make_member):  # fmt: skip
    login(make_member(org, "org_admin"))
    client.post(
        "/organisation/",
        {"form": "member", "email": "attacker@test.example", "role": "org_admin"},
    )
    client.logout()
    _sign_in(client, "attacker@test.example")
    assert client.get("/").context["membership"] == attacker
    assert [m.organization for m in client.get("/").context["my_memberships"]] == [
        attacker.organization
    ]


@pytest.mark.parametrize("role", ["national_coordinator"])
def test_org_admin_cannot_grant_the_coordinator_role(client, login, org, make_member, role):
    login(make_member(org, "org_admin"))
    page = client.get("/organisation/").content.decode()
    assert 'value="national_coordinator"' not in page
    r = client.post("/organisation/", {"form": "member", "email": "c@test.example", "role": role})
    assert r.status_code == 200
    assert not Invitation.objects.exists() and not mail.outbox


def test_coordinator_service_refuses_a_member(org, make_member):
    from django.core.exceptions import ValidationError

    from apps.accounts.services import invite_member

    with pytest.raises(ValidationError):
        invite_member(
            membership=make_member(org, "org_admin"),
            email="c@test.example",
            role="national_coordinator",
        )
    assert not Invitation.objects.exists()


def test_operator_grants_and_revokes_the_coordinator_role(make_org, make_member):
    office = make_org("coordination", type="government")
    person = make_member(office, "me_officer", email="coord@test.example")
    call_command("grant_coordinator", "coord@test.example", organization="coordination")
    m = Membership.objects.get(user=person.user, role="national_coordinator")
    assert m.is_active
    assert AuditEntry.objects.filter(target_type="membership", target_id=str(m.pk)).exists()
    call_command("grant_coordinator", "coord@test.example", organization="coordination",
                 revoke=True)  # fmt: skip
    m.refresh_from_db()
    assert not m.is_active


def test_sign_ins_are_shown_only_to_the_organisations_concerned(
    client, login, org, other_org, make_member
):
    ours = make_member(org, "auditor")
    theirs = make_member(other_org, "auditor")
    stranger = make_member(other_org, "case_worker", email="stranger@test.example")
    # Once a member of ours: that membership ended before these sign-ins.
    former = make_member(org, "case_worker", email="stranger@test.example")
    former.is_active = False
    former.save()
    _sign_in(client, "stranger@test.example", "wrong-password")
    _sign_in(client, "stranger@test.example")
    client.post("/accounts/logout/")
    actions = {"sign_in", "sign_in_failed", "sign_out"}

    def seen_by(auditor):
        login(auditor)
        page = client.get("/audit/?page=1")
        return {
            e.action
            for e in page.context["page"].object_list
            if e.action in actions
            and (e.actor_id == stranger.user_id or e.detail.get("email") == "stranger@test.example")
        }

    assert seen_by(ours) == set()
    assert seen_by(theirs) == actions


def test_the_django_admin_cannot_retype_a_sign_in_address(client, attacker):
    """An address typed in the admin would leave allauth's verified copy behind (the user
    could no longer sign in) or hand the account to whoever holds the new mailbox."""
    operator = User.objects.create_superuser(email="root@test.example", password=PASSWORD)
    client.force_login(operator)
    victim = attacker.user
    url = f"/admin/accounts/user/{victim.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="email"' not in page.content.decode()
    client.post(url, {"email": "new@evil.example", "full_name": "x", "is_active": "on",
                      "language": "ru", "memberships-TOTAL_FORMS": "0",
                      "memberships-INITIAL_FORMS": "0"})  # fmt: skip
    victim.refresh_from_db()
    assert victim.email != "new@evil.example"
    assert not EmailAddress.objects.filter(email="new@evil.example").exists()
