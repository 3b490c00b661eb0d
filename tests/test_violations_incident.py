"""Recording a whole incident (event, victims, perpetrators) in one form, and who may
see it: the organisation's monitors, a grantee organisation by an explicit grant,
nobody else."""

from datetime import date

import pytest

from apps.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def vocab(reference_data):
    from apps.violations.models import ActType, PerpetratorType
    from apps.violations.vocabulary import load_vocabularies

    load_vocabularies(ActType, PerpetratorType)
    return {
        "beating": ActType.objects.get(code="beating"),
        "threats": ActType.objects.get(code="threats"),
        "police": PerpetratorType.objects.get(code="police"),
    }


@pytest.fixture
def monitor(org, make_member):
    return make_member(org, "monitor")


def _incident_post(vocab, **overrides):
    data = {
        "title": "Beating at the district police station",
        "occurred_on": "2026-03-14",
        "date_precision": "exact",
        "place": "Временный изолятор, ул. Фрунзе",
        "region": "",
        "confidentiality": "organisation",
        "description": "Two detainees beaten during questioning",
        "victims-TOTAL_FORMS": "3",
        "victims-INITIAL_FORMS": "0",
        "victims-0-given_name": "Бакыт",
        "victims-0-family_name": "Осмонов",
        "victims-0-sex": "M",
        "victims-0-act_type": str(vocab["beating"].pk),
        "victims-1-given_name": "Нурлан",
        "victims-1-family_name": "Садыков",
        "victims-1-sex": "M",
        "victims-1-act_type": str(vocab["beating"].pk),
        "victims-2-sex": "U",
        "perpetrators-TOTAL_FORMS": "2",
        "perpetrators-INITIAL_FORMS": "0",
        "perpetrators-0-given_name": "Эркин",
        "perpetrators-0-family_name": "Жумабеков",
        "perpetrators-0-position": "senior lieutenant",
        "perpetrators-0-role": "perpetrator",
        "perpetrators-0-perpetrator_type": str(vocab["police"].pk),
        "perpetrators-0-identity_confidential": "on",
        "perpetrators-1-role": "perpetrator",
        "perpetrators-1-identity_confidential": "on",
    }
    data.update(overrides)
    return data


def test_monitor_records_an_incident_with_two_victims_and_a_named_officer(monitor, login, vocab):
    from apps.violations.models import Act, Event, Involvement

    c = login(monitor)
    assert c.get("/violations/new/").status_code == 200
    r = c.post("/violations/new/", _incident_post(vocab))
    assert r.status_code == 302, r.content.decode()[:3000]
    event = Event.objects.get()
    assert event.organization == monitor.organization
    acts = list(Act.objects.filter(event=event).select_related("victim"))
    assert sorted(a.victim.given_name for a in acts) == ["Бакыт", "Нурлан"]
    officer = Involvement.objects.get(event=event)
    assert officer.person.family_name == "Жумабеков"
    assert officer.perpetrator_type.code == "police"
    # The people belong to the monitor's organisation.
    assert {a.victim.organization_id for a in acts} == {monitor.organization_id}

    page = c.get(f"/violations/{event.pk}/").content.decode()
    assert "Осмонов Бакыт" in page and "Жумабеков Эркин" in page
    # Looking at the event is audited, and so is each person it named.
    shown = AuditEntry.objects.filter(action="view", target_type="person", actor=monitor.user)
    ids = {i for e in shown for i in e.detail["shown"]}
    assert {a.victim_id for a in acts} | {officer.person_id} <= ids


def test_bad_incident_comes_back_with_everything_typed(monitor, login, vocab):
    from apps.violations.models import Event

    c = login(monitor)
    r = c.post(
        "/violations/new/",
        _incident_post(vocab, occurred_on="2999-01-01", **{"victims-1-act_type": ""}),
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert "This date is in the future" in page
    assert "Choose what was done to this person." in page
    assert "Нурлан" in page and "Жумабеков" in page and "Временный изолятор" in page
    assert not Event.objects.exists()


def test_incident_needs_a_victim(monitor, login, vocab):
    from apps.violations.models import Event

    c = login(monitor)
    data = _incident_post(vocab)
    for k in [k for k in data if k.startswith("victims-") and "FORMS" not in k]:
        data[k] = "" if not k.endswith("sex") else "U"
    r = c.post("/violations/new/", data)
    assert r.status_code == 400
    assert "Name at least one victim" in r.content.decode()
    assert not Event.objects.exists()


def _record(monitor, vocab, **event):
    from apps.violations import services

    return services.record_incident(
        membership=monitor,
        event={"title": "Threats to a lawyer", "occurred_on": None, **event},
        victims=[{"given_name": "Айзада", "family_name": "Касымова", "act_type": vocab["threats"]}],
        perpetrators=[
            {
                "given_name": "Марат",
                "family_name": "Токтогулов",
                "role": "perpetrator",
                "perpetrator_type": vocab["police"],
                "identity_confidential": True,
            }
        ],
    )


def test_monitor_of_another_organisation_gets_404(monitor, other_org, make_member, login, vocab):
    event = _record(monitor, vocab)
    stranger = make_member(other_org, "monitor")
    c = login(stranger)
    for url in (f"/violations/{event.pk}/", f"/api/v1/events/{event.pk}/"):
        r = c.get(url)
        assert r.status_code == 404
        assert "Касымова" not in r.content.decode()
    assert "Касымова" not in c.get("/violations/").content.decode()
    r = c.post(f"/violations/{event.pk}/sources/", {"kind": "victim", "reliability": "high"})
    assert r.status_code == 404


def test_case_worker_gets_403(monitor, caseworker, login, vocab):
    event = _record(monitor, vocab)
    c = login(caseworker)
    for url in ("/violations/", "/violations/new/", f"/violations/{event.pk}/", "/api/v1/events/"):
        r = c.get(url)
        assert r.status_code == 403, url
        assert "Касымова" not in r.content.decode()
    r = c.post(
        "/violations/people/similar/",
        {"prefix": "victims-0", "victims-0-family_name": "Касымова"},
    )
    assert r.status_code == 403 and "Айзада" not in r.content.decode()


def test_people_of_a_violation_stay_out_of_other_monitors_sight(
    monitor, other_org, make_member, vocab
):
    from apps.people.selectors import people_visible_to
    from apps.violations.selectors import violation_people_visible_to

    event = _record(monitor, vocab)
    victim = event.acts.get().victim
    assert victim in violation_people_visible_to(monitor)
    stranger = make_member(other_org, "monitor")
    assert not violation_people_visible_to(stranger).exists()
    # Monitors never get the organisation's people register.
    assert not people_visible_to(monitor).exists()


def test_restricted_event_is_seen_by_its_author_and_admins_only(
    monitor, org, make_member, login, vocab
):
    event = _record(monitor, vocab, confidentiality="restricted")
    colleague = make_member(org, "monitor", email="second.monitor@test.example")
    admin = make_member(org, "org_admin")
    assert login(colleague).get(f"/violations/{event.pk}/").status_code == 404
    assert login(admin).get(f"/violations/{event.pk}/").status_code == 200
    assert login(monitor).get(f"/violations/{event.pk}/").status_code == 200


def test_sharing_grant_shows_the_event_without_confidential_identities(
    monitor, other_org, make_member, login, vocab
):
    from apps.violations.models import Grant

    event = _record(monitor, vocab)
    partner = make_member(other_org, "monitor")
    c = login(monitor)
    r = c.post(f"/violations/{event.pk}/grants/", {"organization": other_org.pk})
    assert r.status_code == 302
    grant = Grant.objects.get()
    assert AuditEntry.objects.filter(target_type="grant", target_id=str(grant.pk)).exists()

    p = login(partner, c)
    page = p.get(f"/violations/{event.pk}/").content.decode()
    assert "Threats to a lawyer" in page
    # Victims' names are not shared unless the grant says so; the officer's identity is
    # confidential.
    assert "Касымова" not in page and "Токтогулов" not in page
    assert "identity withheld" in page
    # A grantee reads; it does not change the event.
    assert p.post(f"/violations/{event.pk}/sources/", {"kind": "victim"}).status_code == 404

    login(monitor, c).post(f"/violations/{event.pk}/grants/{grant.pk}/revoke/")
    assert login(partner, c).get(f"/violations/{event.pk}/").status_code == 404


def test_grant_to_own_organisation_is_refused(monitor, login, vocab):
    event = _record(monitor, vocab)
    r = login(monitor).post(
        f"/violations/{event.pk}/grants/", {"organization": monitor.organization_id}
    )
    assert r.status_code == 400


def test_sources_and_interventions_are_recorded(monitor, login, vocab):
    from apps.violations.models import Intervention, Source

    event = _record(monitor, vocab)
    c = login(monitor)
    r = c.post(
        f"/violations/{event.pk}/sources/",
        {"kind": "witness", "reliability": "high", "reported_on": "2026-03-15",
         "witness_given_name": "Гүлзат", "witness_family_name": "Эсенова"},
    )  # fmt: skip
    assert r.status_code == 302
    assert Source.objects.get().person.given_name == "Гүлзат"
    r = c.post(
        f"/violations/{event.pk}/interventions/",
        {"kind": "complaint", "made_on": "2026-03-20", "addressee": "Prosecutor's office",
         "response": "Inquiry opened", "response_on": "2026-03-10"},
    )  # fmt: skip
    assert r.status_code == 400
    assert "cannot come before" in r.content.decode()
    assert "Inquiry opened" in r.content.decode()
    r = c.post(
        f"/violations/{event.pk}/interventions/",
        {"kind": "complaint", "made_on": "2026-03-20", "addressee": "Prosecutor's office",
         "response": "Inquiry opened", "response_on": "2026-04-02"},
    )  # fmt: skip
    assert r.status_code == 302
    assert Intervention.objects.get().response == "Inquiry opened"


def test_duplicate_warning_names_own_records_only_and_counts_the_others(
    monitor, caseworker, login, make_person, vocab
):
    _record(monitor, vocab)
    # A client of the organisation with the same family name, unknown to the monitor.
    make_person(caseworker, given_name="Жылдыз", family_name="Касымова")
    c = login(monitor)
    r = c.post(
        "/violations/people/similar/",
        {"prefix": "victims-0", "victims-0-family_name": "Касымова", "victims-0-given_name": ""},
    )
    page = r.content.decode()
    assert r.status_code == 200
    assert "Айзада" in page
    assert "Жылдыз" not in page
    assert "1 other person with a similar name" in page
    entry = AuditEntry.objects.filter(action="search", actor=monitor.user).latest("id")
    assert "Касымова" not in str(entry.detail)


def test_choosing_an_existing_person_links_the_same_record(monitor, login, vocab):
    from apps.violations.models import Act

    first = _record(monitor, vocab)
    victim = first.acts.get().victim
    c = login(monitor)
    data = _incident_post(vocab, **{"victims-0-existing": str(victim.pk)})
    assert c.post("/violations/new/", data).status_code == 302
    assert Act.objects.filter(victim=victim).count() == 2


def test_someone_elses_person_cannot_be_chosen(monitor, caseworker, login, make_person, vocab):
    client_person = make_person(caseworker)
    r = login(monitor).post(
        "/violations/new/", _incident_post(vocab, **{"victims-0-existing": str(client_person.pk)})
    )
    assert r.status_code == 400
    assert "Choose a person from your own violation records." in r.content.decode()


def test_event_is_changed_and_a_stale_form_is_refused(monitor, login, vocab):
    event = _record(monitor, vocab)
    c = login(monitor)
    page = c.get(f"/violations/{event.pk}/edit/").content.decode()
    assert "Threats to a lawyer" in page
    post = {"title": "Threats to a defence lawyer", "date_precision": "year",
            "occurred_on": "2026-05-17", "confidentiality": "organisation",
            "version": str(event.version)}  # fmt: skip
    assert c.post(f"/violations/{event.pk}/edit/", post).status_code == 302
    event.refresh_from_db()
    assert event.title == "Threats to a defence lawyer"
    assert event.occurred_on.isoformat() == "2026-01-01" and event.date_display == "2026"
    # The same old form again: someone saved in between.
    r = c.post(f"/violations/{event.pk}/edit/", {**post, "title": "Old title"})
    assert r.status_code == 400
    assert "Someone else saved this record" in r.content.decode()
    assert "Old title" in r.content.decode()


def test_chained_event_cannot_follow_another_organisations_event(
    monitor, other_org, make_member, vocab
):
    from django.core.exceptions import ValidationError

    foreign = _record(make_member(other_org, "monitor"), vocab)
    with pytest.raises(ValidationError):
        _record(monitor, vocab, parent=foreign)
    follower = _record(monitor, vocab, parent=_record(monitor, vocab))
    assert follower.parent.organization == monitor.organization


def test_intervention_response_recorded_later(monitor, login, vocab):
    import datetime

    from apps.violations import services

    event = _record(monitor, vocab)
    intervention = services.add_intervention(
        membership=monitor,
        event=event,
        data={"kind": "letter", "made_on": datetime.date(2026, 4, 1), "addressee": "Ombudsman"},
    )
    c = login(monitor)
    url = f"/violations/{event.pk}/interventions/{intervention.pk}/response/"
    r = c.post(url, {"response": "", "response_on": "2026-04-10"})
    assert r.status_code == 400 and "This field is required." in r.content.decode()
    assert (
        c.post(url, {"response": "Case forwarded", "response_on": "2026-04-10"}).status_code == 302
    )
    intervention.refresh_from_db()
    assert intervention.response == "Case forwarded"


def test_only_the_author_or_an_admin_shares_an_event(
    monitor, org, other_org, make_member, login, vocab
):
    from apps.violations.models import Grant

    event = _record(monitor, vocab)
    colleague = make_member(org, "monitor", email="second.monitor@test.example")
    c = login(colleague)
    # A colleague reads the event but is not offered, and cannot force, sharing it.
    page = c.get(f"/violations/{event.pk}/").content.decode()
    assert 'id="grant-form"' not in page
    r = c.post(f"/violations/{event.pk}/grants/", {"organization": other_org.pk})
    assert r.status_code == 403
    assert not Grant.objects.exists()

    admin = make_member(org, "org_admin")
    r = login(admin, c).post(f"/violations/{event.pk}/grants/", {"organization": other_org.pk})
    assert r.status_code == 302
    assert Grant.objects.filter(event=event, organization=other_org).count() == 1
    assert 'id="grant-form"' in login(monitor, c).get(f"/violations/{event.pk}/").content.decode()


def test_involvements_and_interventions_are_corrected_and_removed(
    monitor, org, other_org, make_member, login, vocab
):
    from apps.violations import services
    from apps.violations.models import Event, Intervention, Involvement

    event = _record(monitor, vocab)
    intervention = services.add_intervention(
        membership=monitor,
        event=event,
        data={"kind": "letter", "made_on": date(2026, 3, 20), "addressee": "Prosecutor"},
    )
    involvement = Involvement.objects.get(event=event)
    version = Event.objects.get(pk=event.pk).version
    inv_url = f"/violations/{event.pk}/involvements/{involvement.pk}"
    int_url = f"/violations/{event.pk}/interventions/{intervention.pk}"
    c = login(monitor)
    page = c.get(f"/violations/{event.pk}/").content.decode()
    assert f'id="involvement-form-{involvement.pk}"' in page
    assert f'id="intervention-form-{intervention.pk}"' in page

    # Another organisation's monitor finds nothing; a case worker is refused.
    for member, status in ((make_member(other_org, "monitor"), 404), (make_member(org), 403)):
        login(member, c)
        assert c.post(f"{inv_url}/delete/", {"version": version}).status_code == status
        assert c.post(f"{int_url}/edit/", {"kind": "letter"}).status_code == status
    assert Involvement.objects.filter(pk=involvement.pk).exists()

    login(monitor, c)
    r = c.post(f"{int_url}/edit/", {"kind": "letter", "made_on": "2026-03-20",
               "addressee": "Prosecutor", "response_on": "2026-03-01", "version": version})  # fmt: skip
    assert r.status_code == 400 and "cannot come before" in r.content.decode()
    r = c.post(f"{int_url}/edit/", {"kind": "complaint", "made_on": "2026-03-20",
               "addressee": "Ombudsman", "version": version})  # fmt: skip
    assert r.status_code == 302
    intervention.refresh_from_db()
    assert (intervention.kind, intervention.addressee) == ("complaint", "Ombudsman")

    # A form opened before that correction is refused and keeps what was typed.
    r = c.post(f"{inv_url}/edit/", {"role": "gave_orders", "position": "colonel",
               "version": version})  # fmt: skip
    assert r.status_code == 400 and "colonel" in r.content.decode()
    version = Event.objects.get(pk=event.pk).version
    r = c.post(f"{inv_url}/edit/", {"role": "gave_orders", "position": "colonel",
               "perpetrator_type": vocab["police"].pk, "version": version})  # fmt: skip
    assert r.status_code == 302
    involvement.refresh_from_db()
    assert (involvement.role, involvement.position) == ("gave_orders", "colonel")
    assert not involvement.identity_confidential

    version = Event.objects.get(pk=event.pk).version
    assert c.post(f"{inv_url}/delete/", {"version": version}).status_code == 302
    assert c.post(f"{int_url}/delete/", {"version": version + 1}).status_code == 302
    assert not Involvement.objects.filter(pk=involvement.pk).exists()
    assert not Intervention.objects.filter(pk=intervention.pk).exists()
    for target_type, pk in (("involvement", involvement.pk), ("intervention", intervention.pk)):
        actions = set(
            AuditEntry.objects.filter(target_type=target_type, target_id=str(pk)).values_list(
                "action", flat=True
            )
        )
        assert {"change", "delete"} <= actions, target_type


def test_sources_are_corrected_and_removed_by_the_recording_organisation(
    monitor, other_org, make_member, login, vocab
):
    from apps.violations import services
    from apps.violations.models import Event, Source

    event = _record(monitor, vocab)
    source = services.add_source(
        membership=monitor, event=event, data={"kind": "media", "reported_by": "24.kg"}
    )
    url = f"/violations/{event.pk}/sources/{source.pk}"
    version = Event.objects.get(pk=event.pk).version
    c = login(make_member(other_org, "monitor"))
    assert c.post(f"{url}/delete/", {"version": version}).status_code == 404
    login(monitor, c)
    assert f'id="source-form-{source.pk}"' in c.get(f"/violations/{event.pk}/").content.decode()
    r = c.post(f"{url}/edit/", {"kind": "media", "reliability": "bogus", "reported_by": "Azattyk",
               "version": version})  # fmt: skip
    assert r.status_code == 400 and "Azattyk" in r.content.decode()
    r = c.post(f"{url}/edit/", {"kind": "media", "reliability": "high", "reported_by": "Azattyk",
               "reported_on": "2026-03-16", "version": version})  # fmt: skip
    assert r.status_code == 302
    source.refresh_from_db()
    assert (source.reported_by, source.reliability) == ("Azattyk", "high")
    # The stale version is refused: nothing is removed.
    c.post(f"{url}/delete/", {"version": version})
    assert Source.objects.filter(pk=source.pk).exists()
    assert c.post(f"{url}/delete/", {"version": version + 1}).status_code == 302
    assert not Source.objects.filter(pk=source.pk).exists()
    assert AuditEntry.objects.filter(
        target_type="source", target_id=str(source.pk), action="delete"
    ).exists()


def test_acts_are_corrected_and_the_last_one_is_kept(monitor, org, login, make_member, vocab):
    from apps.violations import services
    from apps.violations.models import Act, Event

    event = _record(monitor, vocab)
    extra = services.add_act(
        membership=monitor,
        event=event,
        victim={"given_name": "Нургүл", "act_type": vocab["threats"]},
    )
    first = Act.objects.exclude(pk=extra.pk).get(event=event)
    version = Event.objects.get(pk=event.pk).version
    c = login(make_member(org))
    assert c.post(f"/violations/{event.pk}/acts/{first.pk}/delete/").status_code == 403
    login(monitor, c)
    r = c.post(
        f"/violations/{event.pk}/acts/{first.pk}/edit/", {"act_type": "", "version": version}
    )
    assert r.status_code == 400
    r = c.post(
        f"/violations/{event.pk}/acts/{first.pk}/edit/",
        {"act_type": vocab["beating"].pk, "version": version},
    )
    assert r.status_code == 302
    first.refresh_from_db()
    assert first.act_type == vocab["beating"]
    version += 1
    r = c.post(f"/violations/{event.pk}/acts/{extra.pk}/delete/", {"version": version})
    assert r.status_code == 302
    assert list(Act.objects.filter(event=event)) == [first]
    # The event's only act stays.
    c.post(f"/violations/{event.pk}/acts/{first.pk}/delete/", {"version": version + 1})
    assert Act.objects.filter(pk=first.pk).exists()
    assert AuditEntry.objects.filter(target_type="act", target_id=str(extra.pk)).exists()
