"""A case page opens with a summary a worker can act on, then sections reachable from a
small in-page menu; "presumed victim" appears only where a screening or a decision says so."""

import datetime
import re

from django.utils import timezone

from apps.cases.models import Task
from apps.cases.services import record_consent, withdraw_consent


def _section(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}".*?</section>', html, re.S)
    assert match, f"no section #{section_id}"
    return match.group(0)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _born_years_ago(years: int) -> str:
    # 1 January: the birthday has passed on every day of the year, so the age is exact.
    return f"{timezone.localdate().year - years}-01-01"


def _page(client, case) -> str:
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_summary_shows_reference_status_type_age_band_sex_and_worker(
    client, login, org, make_member, make_person, make_case
):
    worker = make_member(org, "case_worker")
    worker.user.full_name = "Назира Асанова"
    worker.user.save()
    person = make_person(worker, sex="F", birth_date=_born_years_ago(30))
    case = make_case(worker, person, assigned_to=worker.user)
    login(worker)
    summary = _text(_section(_page(client, case), "summary"))
    assert case.reference in summary
    assert "Status open" in summary
    assert "Type Trafficking in persons" in summary
    assert "Age band 25–34" in summary
    assert "Sex female" in summary
    assert "Assigned worker Назира Асанова" in summary
    # The summary itself names no one: the name stays in the heading, under the hide-name rule.
    assert "Айгүл" not in summary and "Төлөнбаева" not in summary


def test_trafficking_case_without_screening_or_decision_is_not_called_a_presumed_victim(
    client, login, caseworker, make_person, make_case
):
    case = make_case(caseworker, make_person(caseworker), case_type="trafficking")
    login(caseworker)
    html = _page(client, case)
    assert "presumed victim" not in html.lower()
    assert "not screened, not identified" in _text(_section(html, "summary"))


def test_presumed_victim_shown_where_the_screening_says_so(
    client, login, caseworker, make_person, make_case
):
    from apps.screening.models import Indicator
    from apps.screening.services import record_screening

    person = make_person(caseworker)
    case = make_case(caseworker, person)
    strong = Indicator.objects.filter(strength="strong", active=True)[:2]
    screening = record_screening(
        membership=caseworker,
        person=person,
        case=case,
        answers={i.code: "yes" for i in strong},
    )
    assert screening.result == "presumed"
    login(caseworker)
    summary = _section(_page(client, case), "summary")
    assert "presumed victim" in _text(summary)
    assert f'href="/screenings/{screening.pk}/"' in summary


def test_a_later_screening_without_indication_replaces_the_presumption(
    client, login, caseworker, make_person, make_case
):
    from apps.screening.models import Indicator
    from apps.screening.services import record_screening

    person = make_person(caseworker)
    case = make_case(caseworker, person)
    strong = Indicator.objects.filter(strength="strong", active=True)[:2]
    today = timezone.localdate()
    record_screening(
        membership=caseworker,
        person=person,
        case=case,
        answers={i.code: "yes" for i in strong},
        screened_on=today - datetime.timedelta(days=10),
    )
    record_screening(membership=caseworker, person=person, case=case, answers={})
    login(caseworker)
    summary = _text(_section(_page(client, case), "summary"))
    assert "presumed victim" not in summary
    assert "no indication of trafficking" in summary


def test_identified_victim_shown_from_the_recorded_decision(
    client, login, caseworker, make_person, make_case
):
    identified = timezone.localdate() - datetime.timedelta(days=3)
    case = make_case(caseworker, make_person(caseworker), identified_on=identified)
    login(caseworker)
    summary = _text(_section(_page(client, case), "summary"))
    assert "identified victim" in summary
    assert "presumed victim" not in summary


def test_flags_child_hidden_name_withdrawn_consent_and_overdue_tasks(
    client, login, caseworker, make_person, make_case
):
    person = make_person(caseworker, birth_date=_born_years_ago(10), hide_name=True)
    case = make_case(caseworker, person)
    consent = record_consent(membership=caseworker, person=person, scope="referral")
    withdraw_consent(membership=caseworker, consent=consent)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Task.objects.create(case=case, title="Call the school", due_on=yesterday)
    login(caseworker)
    html = _page(client, case)
    flags = _text(re.search(r'<ul class="flags".*?</ul>', html, re.S).group(0))
    assert "child" in flags
    assert "name hidden" in flags
    assert "consent withdrawn: to be referred to other organisations" in flags
    assert "1 overdue task" in flags
    # The hidden name is not on the page at all; the person's code stands for it.
    assert "Айгүл" not in html and person.code in html


def test_adult_with_nothing_to_flag_shows_no_flags(
    client, login, caseworker, make_person, make_case
):
    person = make_person(caseworker, birth_date=_born_years_ago(40))
    case = make_case(caseworker, person)
    login(caseworker)
    assert 'class="flags"' not in _page(client, case)


def test_next_task_is_the_open_task_due_soonest(client, login, caseworker, make_person, make_case):
    case = make_case(caseworker, make_person(caseworker))
    today = timezone.localdate()
    Task.objects.create(case=case, title="No date yet")
    Task.objects.create(case=case, title="Due in a week", due_on=today + datetime.timedelta(7))
    Task.objects.create(case=case, title="Due tomorrow", due_on=today + datetime.timedelta(1))
    Task.objects.create(case=case, title="Done already", due_on=today, done_at=timezone.now())
    login(caseworker)
    summary = _text(_section(_page(client, case), "summary"))
    assert "Next task Due tomorrow" in summary


def test_open_referrals_are_counted_and_linked(client, login, caseworker, make_person, make_case):
    from apps.referrals.models import DirectoryEntry
    from apps.referrals.services import change_status, create_referral

    case = make_case(caseworker, make_person(caseworker))
    entry = DirectoryEntry.objects.get(name="Sezim", organization=None)

    def refer():
        return create_referral(
            membership=caseworker,
            case=case,
            to_entry=entry,
            services=["shelter"],
            shared_fields=["sex"],
            consent_valid_until=timezone.localdate() + datetime.timedelta(days=90),
        )

    open_one, cancelled = refer(), refer()
    change_status(membership=caseworker, referral=cancelled, status="cancelled")
    login(caseworker)
    summary = _section(_page(client, case), "summary")
    assert f'href="/referrals/{open_one.pk}/"' in summary
    assert f'href="/referrals/{cancelled.pk}/"' not in summary
    assert "Open referrals 1:" in _text(summary)


def test_every_part_of_the_page_is_reachable_from_its_menu(
    client, login, caseworker, make_person, make_case
):
    case = make_case(caseworker, make_person(caseworker))
    login(caseworker)
    html = _page(client, case)
    menu = re.search(r'<nav aria-label="Parts of the case page".*?</nav>', html, re.S).group(0)
    targets = re.findall(r'href="#([\w-]+)"', menu)
    assert {"summary", "details", "tasks", "notes", "history"} <= set(targets)
    for target in targets:
        assert f'id="{target}"' in html


def test_operator_menu_has_no_link_to_notes_they_cannot_read(
    client, login, org, make_member, make_person, make_case
):
    operator = make_member(org, "operator")
    case = make_case(operator, make_person(operator))
    login(operator)
    html = _page(client, case)
    assert 'href="#notes"' not in html and 'id="notes"' not in html
