"""Adding a member: an invitation link, accepted by the address's owner, never an
account attached behind its owner's back."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.accounts.models import Invitation, Membership, User
from apps.core.models import AuditEntry
from tests.conftest import PASSWORD


@pytest.fixture
def admin(org, make_member):
    return make_member(org, "org_admin")


def _invite(client, email, role="case_worker", full_name=""):
    mail.outbox.clear()
    r = client.post(
        "/organisation/",
        {"form": "member", "email": email, "role": role, "full_name": full_name},
        follow=True,
    )
    link = None
    if mail.outbox:
        link = re.search(r"https?://[^/\s]+(/organisation/join/[^/\s]+/)", mail.outbox[0].body)[1]
    return r, link


def test_member_form_answers_the_same_for_existing_and_new_addresses(
    client, login, admin, other_org, make_member
):
    make_member(other_org, "case_worker", email="known@test.example")
    login(admin)
    form_page = client.get("/organisation/").content.decode()
    assert 'name="password"' not in form_page
    existing, _ = _invite(client, "known@test.example")
    new, _ = _invite(client, "unknown@test.example")
    assert existing.redirect_chain == new.redirect_chain
    said = [[str(m).replace(email, "X") for m in r.context["messages"]]
            for r, email in ((existing, "known@"), (new, "unknown@"))]  # fmt: skip
    assert said[0] == said[1] and said[0]
    # Nobody became a member: both wait for the address's owner.
    assert not admin.organization.memberships.filter(
        user__email__in=["known@test.example", "unknown@test.example"]
    ).exists()


def test_new_address_gets_an_account_by_setting_a_password(client, login, admin):
    login(admin)
    _, link = _invite(client, "newcomer@test.example", role="lawyer")
    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and 'name="password1"' in page.content.decode()
    r = client.post(link, {"full_name": "Нурлан", "password1": PASSWORD, "password2": PASSWORD})
    assert r.status_code == 302
    user = User.objects.get(email="newcomer@test.example")
    assert user.emailaddress_set.get().verified
    assert user.memberships.get().role == "lawyer"
    # The new account signs in straight away: the link proved the address.
    r = client.post("/accounts/login/", {"login": "newcomer@test.example", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/"
    assert client.get("/").context["membership"].organization == admin.organization


def test_existing_user_accepts_while_signed_in(client, login, admin, other_org, make_member):
    elsewhere = make_member(other_org, "case_worker", email="two.hats@test.example")
    login(admin)
    _, link = _invite(client, "two.hats@test.example", role="lawyer")
    client.logout()
    # Not signed in: sent to sign in, then back to the link.
    r = client.get(link)
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    r = client.post(r["Location"], {"login": "two.hats@test.example", "password": PASSWORD})
    assert r["Location"] == link
    assert not Membership.objects.filter(user=elsewhere.user, organization=admin.organization)
    r = client.post(link)
    assert r.status_code == 302
    joined = Membership.objects.get(user=elsewhere.user, organization=admin.organization)
    assert joined.role == "lawyer"
    # Accepting is the choice of the organisation to act in.
    assert client.get("/").context["membership"] == joined


def test_other_account_cannot_accept(client, login, admin, make_member, other_org):
    login(admin)
    _, link = _invite(client, "invited@test.example")
    stranger = make_member(other_org, "case_worker")
    login(stranger)
    assert client.get(link).status_code == 403
    assert client.post(link).status_code == 403
    assert not Membership.objects.filter(user=stranger.user, organization=admin.organization)


def test_link_works_once(client, login, admin):
    login(admin)
    _, link = _invite(client, "once@test.example")
    client.logout()
    client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert client.get(link).status_code == 410
    r = client.post(link, {"password1": "Other-pass-2026x", "password2": "Other-pass-2026x"})
    assert r.status_code == 410


def test_expired_link_is_refused(client, login, admin):
    login(admin)
    _, link = _invite(client, "late@test.example")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.logout()
    assert client.get(link).status_code == 410
    r = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert r.status_code == 410 and not User.objects.filter(email="late@test.example").exists()


def test_admin_sees_and_revokes_pending_invitations(client, login, admin):
    login(admin)
    _, link = _invite(client, "pending@test.example")
    invitation = Invitation.objects.get()
    assert "pending@test.example" in client.get("/organisation/").content.decode()
    assert client.post(f"/organisation/invitations/{invitation.pk}/revoke/").status_code == 302
    assert "pending@test.example" not in client.get("/organisation/").content.decode()
    client.logout()
    assert client.get(link).status_code == 410
    assert AuditEntry.objects.filter(
        target_type="invitation", target_id=str(invitation.pk), detail__revoked=True
    ).exists()


def test_admin_cannot_revoke_another_organisations_invitation(
    client, login, admin, other_org, make_member
):
    other_admin = make_member(other_org, "org_admin")
    login(other_admin)
    _invite(client, "theirs@test.example")
    invitation = Invitation.objects.get()
    login(admin)
    assert client.post(f"/organisation/invitations/{invitation.pk}/revoke/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_link_token_is_stored_only_as_a_hash(client, login, admin):
    login(admin)
    _, link = _invite(client, "hashed@test.example")
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64


def test_invitation_and_acceptance_are_audited(client, login, admin):
    login(admin)
    _, link = _invite(client, "audited@test.example")
    client.logout()
    client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    invitation = Invitation.objects.get()
    entries = AuditEntry.objects.filter(organization=admin.organization)
    assert entries.filter(action="create", target_type="invitation", actor=admin.user).exists()
    assert entries.filter(target_type="invitation", detail__accepted=True).exists()
    assert entries.filter(action="create", target_type="membership").exists()
    assert invitation.accepted_by.email == "audited@test.example"
