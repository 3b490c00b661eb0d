"""Each user's language is kept on their account and follows them to any browser;
e-mails go out in the recipient's language, not in that of whoever caused them."""

import datetime
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from apps.accounts.services import invite_member
from apps.referrals import services as referrals
from apps.referrals.models import DirectoryEntry, DirectoryService, Notification
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _speaking(membership, language):
    membership.user.language = language
    membership.user.save(update_fields=["language"])
    return membership


def _lang_of(response) -> str:
    return re.search(r'<html[^>]* lang="([a-z-]+)"', response.content.decode())[1]


def test_signing_in_on_a_new_browser_uses_the_accounts_language(caseworker):
    _speaking(caseworker, "ky")
    # A browser asking for Russian, with a Russian cookie left by someone else.
    browser = Client(HTTP_ACCEPT_LANGUAGE="ru")
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    assert _lang_of(browser.get("/accounts/login/")) == "ru"
    r = browser.post("/accounts/login/", {"login": caseworker.user.email, "password": PASSWORD})
    assert r.status_code == 302
    assert _lang_of(browser.get("/")) == "ky"
    # The browser remembers it, so the sign-in page after sign-out speaks Kyrgyz too.
    assert browser.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ky"
    caseworker.user.refresh_from_db()
    assert caseworker.user.language == "ky"


def test_the_switcher_changes_the_accounts_language_for_every_browser(caseworker):
    first = Client(HTTP_ACCEPT_LANGUAGE="en")
    first.force_login(caseworker.user)
    first.post("/language/", {"language": "ru", "next": "/"})
    caseworker.user.refresh_from_db()
    assert caseworker.user.language == "ru"
    second = Client(HTTP_ACCEPT_LANGUAGE="ky")
    second.force_login(caseworker.user)
    assert _lang_of(second.get("/")) == "ru"


def test_a_language_no_longer_offered_falls_back_to_the_browsers(caseworker):
    _speaking(caseworker, "xx")
    browser = Client(HTTP_ACCEPT_LANGUAGE="ru")
    browser.force_login(caseworker.user)
    assert _lang_of(browser.get("/")) == "ru"


@pytest.fixture
def shelter(make_org):
    org = make_org("shelter-a", type="shelter")
    entry = DirectoryEntry.objects.create(organization=org, name=org.name, regions=["bishkek"])
    DirectoryService.objects.create(entry=entry, service_type="shelter", capacity=10)
    return org


def test_referral_notices_go_to_each_admin_in_their_own_language(
    caseworker, shelter, make_member, make_person, make_case, django_capture_on_commit_callbacks
):
    kyrgyz = _speaking(make_member(shelter, "org_admin", email="ky.admin@test.example"), "ky")
    russian = _speaking(make_member(shelter, "org_admin", email="ru.admin@test.example"), "ru")
    silent = make_member(shelter, "org_admin", email="no.choice@test.example")
    _speaking(caseworker, "en")
    case = make_case(caseworker, make_person(caseworker))
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        referral = referrals.create_referral(
            membership=caseworker,
            case=case,
            to_organization=shelter,
            services=["shelter"],
            shared_fields=["sex"],
            consent_valid_until=timezone.localdate() + datetime.timedelta(days=30),
        )
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {kyrgyz.user.email, russian.user.email, silent.user.email}
    for member, language in ((kyrgyz, "ky"), (russian, "ru"), (silent, settings.LANGUAGE_CODE)):
        with translation.override(language):
            kind = str(Notification.Kind.NEW.label)
            body = gettext("Open the referral inbox in Koldoo to see referral %(ref)s.") % {
                "ref": referral.reference
            }
        message = by_address[member.user.email]
        assert kind in message.subject and message.body == body
    # The languages really differ: the Kyrgyz and Russian notices are not the English one.
    assert by_address[kyrgyz.user.email].subject != by_address[silent.user.email].subject
    assert by_address[russian.user.email].subject != by_address[silent.user.email].subject


def _invitation_in(language):
    with translation.override(language):
        return gettext("Invitation to %(organization)s in Koldoo")


def test_invitation_to_an_existing_account_goes_in_its_language(org, other_org, make_member):
    admin = _speaking(make_member(org, "org_admin"), "ru")
    invited = _speaking(make_member(other_org, "lawyer", email="lawyer@test.example"), "ky")
    with translation.override("ru"):
        invite_member(membership=admin, email=invited.user.email, role="lawyer")
    (message,) = mail.outbox
    assert message.subject == _invitation_in("ky") % {"organization": org.name}


def test_invitation_to_a_new_address_goes_in_the_inviting_admins_language(org, make_member):
    admin = _speaking(make_member(org, "org_admin"), "ky")
    with translation.override("en"):
        invitation = invite_member(membership=admin, email="new.worker@test.example",
                                   role="case_worker")  # fmt: skip
    (message,) = mail.outbox
    assert message.subject == _invitation_in("ky") % {"organization": org.name}
    # The expiry date in the body as a Kyrgyz reader writes it.
    expires = timezone.localtime(invitation.expires_at).strftime("%d.%m.%Y %H:%M")
    assert expires in message.body


def test_password_reset_mail_goes_in_the_accounts_language(caseworker):
    _speaking(caseworker, "ru")
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.post("/accounts/password/reset/", {"email": caseworker.user.email})
    (message,) = mail.outbox
    # allauth's own Russian text, although the browser asked for English.
    assert re.search(r"[А-Яа-я]", message.subject), message.subject
