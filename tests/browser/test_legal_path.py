"""The lawyer's path of issue 13, as a new user tries it: three consultations; a torture
case's criminal proceeding with the refusal to open a case, the complaint that wins, the
investigation and the trial with two hearings (both in the calendar feed); a conviction
under a current-code article with a sentence and awarded compensation; the appeal
deadline in the task list; the national report counts the prosecution and conviction."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _day(n: int) -> str:
    return (timezone.localdate() + timedelta(days=n)).isoformat()


def _submit(page, form_selector):
    with page.expect_navigation():
        page.click(f"{form_selector} button[type=submit]")


def _open(page, form_selector):
    page.click(f"{form_selector} >> xpath=ancestor::details/summary")


def _stage(page, stage_type, started, **fields):
    _open(page, "#stage-form")
    page.select_option("#stage-form select[name=stage-stage_type]", stage_type)
    page.fill("#stage-form input[name=stage-started_on]", started)
    for name, value in fields.items():
        selector = f"#stage-form [name=stage-{name}]"
        if name in ("decision", "challenges"):
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    _submit(page, "#stage-form")
    assert "Stage recorded." in page.content()


def test_lawyer_path(page, org, make_member, make_person, make_case, reference_data):
    from apps.legal.models import Article, DeadlineRule, Proceeding, Stage
    from apps.legal.reference_data import load_legal_reference
    from apps.statistics.report import ReportScope, build_report

    load_legal_reference(Article, DeadlineRule)
    lawyer = make_member(org, "lawyer")
    person = make_person(lawyer, given_name="Эрлан", family_name="Бакиров", sex="M")
    case = make_case(lawyer, person, case_type="torture", assigned_to=lawyer.user)
    sign_in(page, lawyer.user.email, PASSWORD)

    # Three consultations from the quick form.
    page.goto("/legal/consultations/")
    for area in ("torture", "labour_abroad", "documents"):
        page.fill("input[name=given_on]", _day(-1))
        page.select_option("select[name=legal_area]", area)
        page.fill("textarea[name=question]", "Что делать после задержания?")
        page.fill("textarea[name=advice]", "Разъяснены права")
        _submit(page, "#consultation-form")
    assert "Consultation logged." in page.content()
    assert page.locator("#years tbody tr").first.inner_text().split("\t")[1:] == ["3", "3"]

    # The torture case's criminal proceeding.
    page.goto(f"/legal/proceedings/new/?case={case.reference}")
    page.select_option("select[name=kind]", "criminal")
    page.select_option("select[name=client_role]", "victim")
    page.fill("input[name=opened_on]", _day(-60))
    _submit(page, "#proceeding-form")
    page.wait_for_url(re.compile(r".*/legal/proceedings/\d+/$"))
    proceeding = Proceeding.objects.get(case=case)

    _stage(page, "complaint", _day(-60))
    _stage(page, "opening_decision", _day(-55), decision="refused", decided_on=_day(-50))
    refusal = Stage.objects.get(proceeding=proceeding, decision="refused")
    assert "Complaint against a refusal" in page.content()  # its deadline, by the rule
    _stage(page, "challenge", _day(-48), challenges=str(refusal.pk), decision="upheld",
           decided_on=_day(-40))  # fmt: skip
    _stage(page, "investigation", _day(-39))
    _stage(page, "first_instance", _day(-20))
    chain = page.locator("ol.appeal-chain").inner_text()
    assert "refused to open a case" in chain and "complaint upheld" in chain
    trial = Stage.objects.get(proceeding=proceeding, stage_type="first_instance")

    # Two hearings of the trial: one held, one to come.
    for when, status in ((f"{_day(-15)} 10:00", "held"), (f"{_day(5)} 14:30", "planned")):
        _open(page, "#hearing-form")
        page.fill("#hearing-form input[name=hearing-starts_at]", when)
        page.fill("#hearing-form input[name=hearing-court]", "Первомайский районный суд")
        page.select_option("#hearing-form select[name=hearing-stage]", str(trial.pk))
        page.select_option("#hearing-form select[name=hearing-status]", status)
        _submit(page, "#hearing-form")
        assert "Hearing recorded." in page.content()

    # Defendant, charge under the current code, verdict document, conviction.
    _open(page, "#defendant-form")
    page.fill("#defendant-form input[name=defendant-name]", "Милиционер Т.")
    page.check("#defendant-form input[name=defendant-public_official]")
    _submit(page, "#defendant-form")
    _open(page, "#charge-form")
    defendant = proceeding.defendants.get()
    page.select_option("#charge-form select[name=charge-defendant]", str(defendant.pk))
    article = Article.objects.get(edition="2021", number="166")
    page.select_option("#charge-form select[name=charge-article]", str(article.pk))
    page.fill("#charge-form input[name=charge-part]", "2")
    _submit(page, "#charge-form")
    assert "Charge recorded." in page.content()

    _open(page, f"#document-form-{trial.pk}")
    page.select_option(f"#document-form-{trial.pk} select[name=doc-{trial.pk}-kind]", "verdict")
    page.set_input_files(
        f"#document-form-{trial.pk} input[name=doc-{trial.pk}-file]",
        files=[{"name": "verdict.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}],
    )
    _submit(page, f"#document-form-{trial.pk}")
    _open(page, f"#decision-form-{trial.pk}")
    page.select_option(
        f"#decision-form-{trial.pk} select[name=decision-{trial.pk}-decision]", "conviction"
    )
    page.fill(f"#decision-form-{trial.pk} input[name=decision-{trial.pk}-decided_on]", _day(-3))
    _submit(page, f"#decision-form-{trial.pk}")
    assert "Decision recorded." in page.content()

    _open(page, "#verdict-form")
    charge = defendant.charges.get()
    page.select_option("#verdict-form select[name=verdict-charge]", str(charge.pk))
    page.select_option("#verdict-form select[name=verdict-stage]", str(trial.pk))
    page.select_option("#verdict-form select[name=verdict-outcome]", "conviction")
    page.fill("#verdict-form input[name=verdict-decided_on]", _day(-3))
    page.fill("#verdict-form input[name=verdict-prison_days]", "99999")
    _submit(page, "#verdict-form")
    assert "thirty years" in page.content()  # an impossible sentence, refused, input kept
    assert page.input_value("#verdict-form input[name=verdict-prison_days]") == "99999"
    page.fill("#verdict-form input[name=verdict-prison_days]", "2920")
    _submit(page, "#verdict-form")
    assert "Verdict recorded." in page.content()

    _open(page, "#compensation-form")
    page.select_option("#compensation-form select[name=compensation-event]", "awarded")
    page.fill("#compensation-form input[name=compensation-amount]", "150000")
    page.fill("#compensation-form input[name=compensation-on]", _day(-3))
    _submit(page, "#compensation-form")
    assert "150000" in page.inner_text("#compensation-list")

    # The appeal deadline is in the task list, in time.
    page.goto("/legal/deadlines/")
    deadlines = page.inner_text("#deadlines")
    assert "Appeal against a first-instance verdict" in deadlines
    assert "missed" not in deadlines

    # Both hearings in the private calendar feed.
    page.goto("/legal/calendar/")
    with page.expect_navigation():
        page.click("form[action$='/calendar/feed/new/'] button")
    url = page.inner_text("#feed-url")
    feed = page.request.get(url)
    assert feed.ok
    events = [c for c in Calendar.from_ical(feed.body()).walk() if c.name == "VEVENT"]
    assert len(events) == 2
    assert "Бакиров" not in feed.text()

    # The national report counts the prosecution and the conviction.
    today = timezone.localdate()
    report = build_report(
        ReportScope(today - timedelta(days=365), today, (org.id,), disclosure_control=False)
    )
    verdicts = {(r["article"], r["verdict_outcome"]): r["count"]
                for r in report.table("convictions_by_article").rows}  # fmt: skip
    assert verdicts[("2021:166", "conviction")] == 1
    prosecutions = {r["article"]: r["count"] for r in report.table("prosecutions_by_article").rows}
    assert prosecutions["2021:166"] == 1
