"""Operations commands do their job and fail loudly on bad arguments."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.accounts.models import Membership, Organization
from apps.people.models import Person


def test_create_organization_and_user(reference_data, capsys):
    call_command("create_organization", "sezim-demo", "--name", "Test centre", "--type",
                 "crisis_centre", "--region", "bishkek")  # fmt: skip
    call_command("create_user", "worker@test.example", "--organization", "sezim-demo",
                 "--role", "case_worker", "--password", "Long-enough-2026")  # fmt: skip
    call_command("create_user", "worker@test.example", "--organization", "sezim-demo",
                 "--role", "lawyer")  # fmt: skip
    roles = set(
        Membership.objects.filter(user__email="worker@test.example").values_list("role", flat=True)
    )
    assert roles == {"case_worker", "lawyer"}


@pytest.mark.parametrize(
    "args,message",
    [
        (["x", "--name", "X", "--type", "bakery", "--region", "osh"], "Unknown organisation type"),
        (["x", "--name", "X", "--type", "ngo", "--region", "moscow"], "Unknown region"),
    ],
)
def test_create_organization_rejects_bad_arguments(reference_data, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_organization", *args)
    assert not Organization.objects.exists()


def test_create_user_rejects_bad_arguments(org):
    with pytest.raises(CommandError, match="No organisation"):
        call_command("create_user", "a@test.example", "--organization", "nope", "--role", "lawyer",
                     "--password", "Long-enough-2026")  # fmt: skip
    with pytest.raises(CommandError, match="Unknown role"):
        call_command("create_user", "a@test.example", "--organization", org.slug, "--role", "boss",
                     "--password", "Long-enough-2026")  # fmt: skip
    with pytest.raises(CommandError, match="needs a password"):
        call_command(
            "create_user", "a@test.example", "--organization", org.slug, "--role", "lawyer"
        )
    with pytest.raises(CommandError):
        call_command("create_user", "a@test.example", "--organization", org.slug, "--role", "lawyer",
                     "--password", "123")  # fmt: skip


def test_api_token_for_unknown_user_fails(org):
    with pytest.raises(CommandError, match="no active membership"):
        call_command("create_api_token", "ghost@test.example", "--organization", org.slug)


def test_seed_demo_makes_fictitious_people_in_both_scripts(reference_data, capsys):
    call_command("seed_demo", "--people", "30")
    out = capsys.readouterr().out
    assert "coordinator@demo.example" in out
    # The asked-for people with cases; other apps' demo records add a few people of their
    # own (victims of a violation, a missing son), all marked DEMO- too.
    names = [p.family_name for p in Person.objects.all() if p.external_id[5:].isdigit()]
    assert len(names) == 30
    assert any(n[:1].isascii() for n in names) and any(not n[:1].isascii() for n in names)
    assert all(p.external_id.startswith("DEMO-") for p in Person.objects.all())
    from apps.hotline.models import Call

    assert Call.objects.filter(is_draft=False).count() == 15
    # A second run with --if-empty keeps the data and still shows how to sign in.
    before = Person.objects.count()
    call_command("seed_demo", "--if-empty")
    assert Person.objects.count() == before
    assert "admin@demo.example" in capsys.readouterr().out


def test_seed_demo_rejects_bad_count(reference_data):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--people", "-4")
