"""Replacing the blind-index key while Koldoo runs: the indexes are rebuilt in short
batches from a checkpoint, a crash resumes without redoing finished batches, and every
look-up (phone, document, name, register number, callers' phones, participants, job ad
alerts) finds every record before, during and after the rebuild (decision 0038)."""

import dataclasses
import datetime
import json
import os

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.core.crypto import reset_ciphers
from apps.hotline.selectors import earlier_calls_from
from apps.hotline.services import save_call
from apps.operations import key_rotation
from apps.operations.key_rotation import index_key_id, rebuild_blind_indexes
from apps.operations.models import KeyRotationRun
from apps.people import services as people_services
from apps.people.models import Person, PersonNameKey, PersonNumberKey, register_number_key
from apps.people.numbers import number_keys
from apps.people.selectors import people_with_phone, person_with_register_number, search_people

NAMES = [
    ("Айгүл", "Төлөнбаева"),
    ("Бегимай", "Сагынбаева"),
    ("Жылдыз", "Осмонова"),
    ("Нургүл", "Асанова"),
    ("Чолпон", "Бакирова"),
]


def _phone(i):
    return f"+996 555 10{i:04d}"


def _document(i):
    return f"ID 77{i:05d}"


@pytest.fixture
def index_keys(settings):
    """Switches the index key like `rotate_keys --add-key-only --index` and a restart:
    `index_keys.rotate()` makes a new key current and keeps the old one as previous;
    `index_keys.retire()` drops the previous one."""
    original = settings.KEYRING

    class IndexKeys:
        old = original.index_key
        new = os.urandom(32)

        def rotate(self):
            settings.KEYRING = dataclasses.replace(
                original, index_key=self.new, previous_index_keys=(self.old,)
            )
            reset_ciphers()

        def retire(self):
            settings.KEYRING = dataclasses.replace(original, index_key=self.new)
            reset_ciphers()

    yield IndexKeys()
    settings.KEYRING = original
    reset_ciphers()


@pytest.fixture
def register(caseworker, make_person):
    """Five people with a phone, a document and a register number each."""
    return [
        make_person(
            caseworker,
            given_name=given,
            family_name=family,
            phones=[_phone(i)],
            document_numbers=[_document(i)],
            external_id=f"R-{i}",
        )
        for i, (given, family) in enumerate(NAMES)
    ]


def _keys_are_current(people):
    """Every index row of every person is what the current index key gives."""
    for person in Person.objects.filter(pk__in=[p.pk for p in people]):
        stored_names = set(
            PersonNameKey.objects.filter(person=person).values_list("key", flat=True)
        )
        stored_numbers = set(
            PersonNumberKey.objects.filter(person=person).values_list("kind", "key")
        )
        if stored_names != people_services.name_key_hashes(person):
            return False
        if stored_numbers != number_keys(
            person.organization_id, person.phones, person.document_numbers
        ):
            return False
        if person.external_id_key != register_number_key(
            person.organization_id, person.external_id
        ):
            return False
    return True


def _found_by_every_look_up(member, i, person):
    by_phone = people_with_phone(member, _phone(i).replace("+996 ", "0"))
    by_document = search_people(member, _document(i).lower())
    by_name = search_people(member, f"{NAMES[i][1]} {NAMES[i][0]}")
    return (
        person in by_phone
        and person in by_document
        and by_name[:1] == [person]
        and person_with_register_number(member.organization_id, f"R-{i}") == person
    )


def test_a_rebuild_stopped_after_its_first_batch_resumes_there_and_leaves_every_key_right(
    caseworker, register, index_keys, monkeypatch
):
    index_keys.rotate()
    assert not _keys_are_current(register)
    real_rekey = people_services.rekey_people
    calls = []

    def crash_on_second_batch(*, after, size):
        calls.append(after)
        if len(calls) == 2:
            raise OSError("power cut")
        return real_rekey(after=after, size=size)

    monkeypatch.setattr(people_services, "rekey_people", crash_on_second_batch)
    with pytest.raises(OSError):
        rebuild_blind_indexes(batch_size=2)

    stopped = KeyRotationRun.objects.get(key_id=index_key_id())
    assert stopped.finished_at is None
    assert (stopped.store, stopped.last_key) == ("index:people", str(register[1].pk))
    assert stopped.rotated == 2  # the first batch committed, the second rolled back
    assert _keys_are_current(register[:2]) and not _keys_are_current(register[2:3])

    calls.clear()
    monkeypatch.setattr(
        people_services,
        "rekey_people",
        lambda *, after, size: calls.append(after) or real_rekey(after=after, size=size),
    )
    run = rebuild_blind_indexes(batch_size=2)

    assert run.pk == stopped.pk and run.finished_at
    assert calls[0] == register[1].pk  # resumed after the finished batch
    assert min(calls) == register[1].pk  # and never went back to it
    assert run.rotated == len(register)  # each person re-keyed once
    assert _keys_are_current(register)
    index_keys.retire()  # only the new key left: everyone is found
    for i, person in enumerate(register):
        assert _found_by_every_look_up(caseworker, i, person)


def test_every_look_up_finds_people_of_finished_and_unfinished_batches_meanwhile(
    caseworker, register, index_keys
):
    index_keys.rotate()
    checked = []

    def look_up_between_batches(run):
        if run.store != "index:people":
            return
        done = int(run.last_key)
        finished = [(i, p) for i, p in enumerate(register) if p.pk <= done]
        waiting = [(i, p) for i, p in enumerate(register) if p.pk > done]
        for i, person in finished + waiting:
            assert _found_by_every_look_up(caseworker, i, person), (done, i)
        checked.append((len(finished), len(waiting)))

    rebuild_blind_indexes(batch_size=2, on_batch=look_up_between_batches)

    # Between batches there were people of both kinds.
    assert (2, 3) in checked and (4, 1) in checked


def test_a_person_saved_meanwhile_is_found_and_not_rewritten_again(
    caseworker, register, index_keys, monkeypatch
):
    index_keys.rotate()  # and every process restarted: saves hash with the new key
    last = register[-1]
    people_services.update_person(
        membership=caseworker,
        person=last,
        data={"phones": ["+996 700 999 888"], "family_name": "Жумабаева"},
        expected_version=last.version,
    )
    assert people_with_phone(caseworker, "0700999888") == [last]
    assert people_with_phone(caseworker, _phone(0)) == [register[0]]  # not re-keyed yet

    run = rebuild_blind_indexes(batch_size=2)

    assert run.rotated == len(register) - 1  # already current: left alone
    index_keys.retire()
    assert people_with_phone(caseworker, "0700999888") == [last]


def test_callers_phones_are_found_before_and_after_their_batch(caseworker, make_member, index_keys):
    operator = make_member(caseworker.organization, "operator")
    data = {
        "caller_category": "relative",
        "topics": ["missing_relative"],
        "outcome": "follow_up",
        "follow_up_due": timezone.localdate(),
        "caller_name": "Гүлнара",
    }
    calls = [
        save_call(membership=operator, data={**data, "caller_phone": _phone(i)}, finish=True)
        for i in range(3)
    ]
    index_keys.rotate()
    seen = []

    def look_up(run):
        if run.store == "index:callers' phones":
            seen.append([list(earlier_calls_from(operator, _phone(i))) for i in range(len(calls))])

    rebuild_blind_indexes(batch_size=1, on_batch=look_up)

    assert len(seen) == 3
    for found in seen:  # after each batch: the re-keyed call and the waiting ones alike
        assert found == [[call] for call in calls]
    index_keys.retire()
    assert list(earlier_calls_from(operator, _phone(2))) == [calls[2]]


def test_participants_are_counted_once_across_the_key_change(org, make_member, index_keys):
    from django.core.exceptions import ValidationError

    from apps.prevention import services as prevention

    me = make_member(org, "me_officer")
    day = datetime.date(2026, 3, 2)

    def session(title, of=None):
        return prevention.record_event(
            membership=me,
            data={"event_type": "training", "title": title, "starts_on": day, "ends_on": day,
                  "attendance_mode": "list", "materials_distributed": 0, "training": of},
        )  # fmt: skip

    first = session("Day 1")
    prevention.add_participant(membership=me, event=first, name="Бегимай Сагынбаева")
    second = session("Day 2", of=first)
    index_keys.rotate()
    # Not re-keyed yet: still recognised at another session of the same training.
    with pytest.raises(ValidationError, match="another session"):
        prevention.add_participant(membership=me, event=second, name="Sagynbaeva Begimai")
    rebuild_blind_indexes()
    index_keys.retire()
    with pytest.raises(ValidationError, match="another session"):
        prevention.add_participant(membership=me, event=second, name="Sagynbaeva Begimai")


def test_job_ad_alerts_meet_cases_and_ads_under_either_key(
    org, make_member, make_person, make_case, index_keys
):
    from apps.monitoring.alerts import alerts_for_job_ad
    from apps.monitoring.services import save_job_ad

    monitor = make_member(org, "monitor")
    caseworker = make_member(org, "case_worker")
    ad = {
        "source_type": "messenger", "source_name": "Work in Moscow", "text": "Warehouse work",
        "captured_on": datetime.date(2026, 11, 20), "red_flags": [],
        "phones": ["+996 700 111 222"], "payment_details": ["4169 5853 1111 2222"],
    }  # fmt: skip
    case = make_case(caseworker, make_person(caseworker, phones=["0700111222"]))
    earlier = save_job_ad(membership=monitor, data={**ad, "phones": []})
    index_keys.rotate()
    later = save_job_ad(membership=monitor, data=ad)  # under the new key; the rest under the old

    places = {(a.what, a.where, a.record_id) for a in alerts_for_job_ad(monitor, later).inside}
    assert {("phone", "case", case.pk), ("payment", "job_ad", earlier.pk)} <= places

    rebuild_blind_indexes()
    index_keys.retire()
    places = {(a.what, a.where, a.record_id) for a in alerts_for_job_ad(monitor, later).inside}
    assert {("phone", "case", case.pk), ("payment", "job_ad", earlier.pk)} <= places


def test_the_command_adds_the_index_key_rebuilds_and_retires_the_old_one(
    tmp_path, settings, caseworker, make_person, capsys
):
    """The documented sequence under load: add keys, restart, rebuild, retire."""
    from koldoo.keyring import load_keyring, new_key_material, write_key_file

    key_file = tmp_path / "keys.json"
    write_key_file(key_file, new_key_material())
    original = settings.KEYRING

    def restart():
        settings.KEYRING = load_keyring({}, key_file, create_if_missing=False)
        reset_ciphers()

    restart()
    try:
        person = make_person(caseworker, phones=[_phone(1)], document_numbers=[_document(1)])
        old_index = json.loads(key_file.read_text())["index_key"]

        call_command("rotate_keys", "--add-key-only", "--index")
        material = json.loads(key_file.read_text())
        assert material["previous_index_keys"] == [old_index]
        assert material["index_key"] != old_index
        restart()
        assert people_with_phone(caseworker, _phone(1)) == [person]  # not re-keyed yet

        call_command("rotate_keys", "--reencrypt-only", "--batch-size", "1")
        call_command("rotate_keys", "--status")
        out = capsys.readouterr().out
        assert "records re-keyed" in out and "still holds a previous index key" in out
        assert people_with_phone(caseworker, _phone(1)) == [person]

        call_command("rotate_keys", "--reencrypt-only", "--retire-old")
        assert "previous_index_keys" not in json.loads(key_file.read_text())
        restart()
        assert people_with_phone(caseworker, _phone(1)) == [person]
        assert search_people(caseworker, _document(1)) == [person]
        assert search_people(caseworker, "Төлөнбаева Айгүл") == [person]
        call_command("rotate_keys", "--status")
        assert "previous index key" not in capsys.readouterr().out
    finally:
        settings.KEYRING = original
        reset_ciphers()


def test_every_blind_index_is_registered_for_rebuilding():
    """A rebuild function for each table that holds keyed hashes under the index key."""
    from django.utils.module_loading import import_string

    for spec in key_rotation.BLIND_INDEXES:
        assert callable(import_string(spec.rekey))
    assert {s.rekey.rsplit(".", 1)[0] for s in key_rotation.BLIND_INDEXES} == {
        "apps.people.services",
        "apps.hotline.services",
        "apps.monitoring.alerts",
        "apps.prevention.services",
    }


def test_the_environment_gives_the_index_key_being_replaced_after_the_new_one(tmp_path):
    import base64

    from koldoo.keyring import load_keyring, new_key_material

    new, old = new_key_material(), new_key_material()
    env = {
        "SECRET_KEY": "s" * 50,
        "KOLDOO_ENCRYPTION_KEYS": new["encryption_keys"][0],
        "KOLDOO_INDEX_KEY": f"{new['index_key']}, {old['index_key']}",
        "KOLDOO_AUDIT_KEY": new["audit_key"],
    }
    ring = load_keyring(env, tmp_path / "absent.json", create_if_missing=False)
    assert ring.index_key == base64.urlsafe_b64decode(new["index_key"])
    assert ring.previous_index_keys == (base64.urlsafe_b64decode(old["index_key"]),)


def test_the_same_command_run_again_after_a_crash_finishes_the_rebuild_under_the_same_key(
    tmp_path, settings, caseworker, make_person, monkeypatch
):
    from koldoo.keyring import load_keyring, new_key_material, write_key_file

    key_file = tmp_path / "keys.json"
    write_key_file(key_file, new_key_material())
    original = settings.KEYRING
    settings.KEYRING = load_keyring({}, key_file, create_if_missing=False)
    reset_ciphers()
    try:
        people = [make_person(caseworker, phones=[_phone(i)]) for i in range(3)]
        real_rekey = people_services.rekey_people
        calls = []

        def crash_on_second_batch(*, after, size):
            calls.append(after)
            if len(calls) == 2:
                raise OSError("power cut")
            return real_rekey(after=after, size=size)

        monkeypatch.setattr(people_services, "rekey_people", crash_on_second_batch)
        with pytest.raises(OSError):
            call_command("rotate_keys", "--index", "--batch-size", "1")
        material = json.loads(key_file.read_text())
        assert len(material["previous_index_keys"]) == 1

        monkeypatch.setattr(people_services, "rekey_people", real_rekey)
        call_command("rotate_keys", "--index", "--retire-old", "--batch-size", "1")

        after = json.loads(key_file.read_text())
        # No third key: the index key of the first attempt was kept and finished.
        assert after["index_key"] == material["index_key"]
        assert "previous_index_keys" not in after
        assert len(after["encryption_keys"]) == 1
        settings.KEYRING = load_keyring({}, key_file, create_if_missing=False)
        reset_ciphers()
        assert _keys_are_current(people)
        for i, person in enumerate(people):
            assert people_with_phone(caseworker, _phone(i)) == [person]
    finally:
        settings.KEYRING = original
        reset_ciphers()
