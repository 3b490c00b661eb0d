"""A hidden name shows a code; revealing it is a deliberate, audited act."""

from apps.core.models import AuditEntry


def test_hidden_name_needs_an_audited_reveal(client, login, caseworker, make_person):
    person = make_person(caseworker, hide_name=True)
    login(caseworker)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert person.code in page and "Төлөнбаева" not in page
    revealed = client.get(f"/people/{person.pk}/", {"reveal": "1"}).content.decode()
    assert "Төлөнбаева" in revealed
    entry = AuditEntry.objects.filter(action="view", target_id=str(person.pk)).latest("id")
    assert entry.detail == {"name_revealed": True}
