"""Recording events with attendance by sex and age band: breakdowns are checked against
the total at entry and nothing typed is lost."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.prevention import services
from apps.prevention.models import AGE_UNKNOWN, ANY, Event
from apps.prevention.services import Attendance, BreakdownMismatch

DAY = datetime.date(2026, 4, 10)


@pytest.fixture
def me_officer(org, make_member):
    return make_member(org, "me_officer")


def festival_data(**over):
    data = {
        "event_type": "film_screening",
        "title": "Film festival",
        "starts_on": DAY,
        "ends_on": DAY + datetime.timedelta(days=2),
        "region": "osh",
        "district": "Kara-Suu",
        "village": "Kara-Suu",
        "materials_distributed": 500,
    }
    data.update(over)
    return data


def counts_of(event):
    return {(c.sex, c.age_band): c.count for c in event.counts.all()}


def test_festival_as_reported_adds_up_and_is_kept_by_sex_and_by_age(me_officer):
    # 2,867 + 1,971 = 4,838 and 3,895 + 943 = 4,838: both breakdowns match the total.
    event = services.record_event(
        membership=me_officer,
        data=festival_data(),
        attendance=Attendance(
            total=4838, by_sex={"F": 2867, "M": 1971}, by_age={"11_24": 3895, "25_64": 943}
        ),
    )
    counts = counts_of(event)
    assert event.total_attendance == 4838
    assert counts[("F", ANY)] == 2867 and counts[("M", ANY)] == 1971
    assert counts[(ANY, "11_24")] == 3895 and counts[(ANY, "25_64")] == 943


def test_age_breakdown_short_of_the_total_is_flagged_and_nothing_saved(me_officer):
    with pytest.raises(BreakdownMismatch) as caught:
        services.record_event(
            membership=me_officer,
            data=festival_data(),
            attendance=Attendance(
                total=4838, by_sex={"F": 2867, "M": 1971}, by_age={"11_24": 3895, "25_64": 843}
            ),
        )
    message = " ".join(caught.value.messages)
    assert "by age band adds up to 4,738" in message and "100" in message
    assert not Event.objects.exists()


def test_the_rest_can_be_marked_age_unknown(me_officer):
    event = services.record_event(
        membership=me_officer,
        data=festival_data(),
        attendance=Attendance(
            total=4838,
            by_sex={"F": 2867, "M": 1971},
            by_age={"11_24": 3895, "25_64": 843},
            rest_not_recorded=True,
        ),
    )
    assert counts_of(event)[(ANY, AGE_UNKNOWN)] == 100


def test_breakdown_larger_than_the_total_cannot_be_waved_through(me_officer):
    with pytest.raises(BreakdownMismatch, match="more than the total"):
        services.record_event(
            membership=me_officer,
            data=festival_data(),
            attendance=Attendance(total=100, by_sex={"F": 80, "M": 30}, rest_not_recorded=True),
        )


def test_cross_tab_gives_the_margins(me_officer):
    event = services.record_event(
        membership=me_officer,
        data=festival_data(event_type="village_tour_stop", title="Stop 1"),
        attendance=Attendance(
            total=60, cells={("F", "11_24"): 20, ("F", "25_64"): 15, ("M", "25_64"): 25}
        ),
    )
    counts = counts_of(event)
    assert counts[("F", ANY)] == 35 and counts[("M", ANY)] == 25
    assert counts[(ANY, "25_64")] == 40 and counts[("F", "11_24")] == 20


def test_negative_counts_and_dates_out_of_order_are_refused(me_officer):
    with pytest.raises(ValidationError, match="cannot be negative"):
        services.record_event(
            membership=me_officer,
            data=festival_data(),
            attendance=Attendance(total=10, by_sex={"F": -1, "M": 11}),
        )
    with pytest.raises(ValidationError):
        services.record_event(
            membership=me_officer,
            data=festival_data(ends_on=DAY - datetime.timedelta(days=1)),
            attendance=Attendance(total=0),
        )


def test_page_flags_the_mismatch_and_keeps_everything_typed(me_officer, login):
    client = login(me_officer)
    form = {
        "event_type": "film_screening",
        "title": "Festival of films",
        "starts_on": "2026-04-10",
        "ends_on": "2026-04-12",
        "region": "osh",
        "village": "Kara-Suu",
        "attendance_mode": "counts",
        "total": "4838",
        "sex_F": "2867",
        "sex_M": "1971",
        "age_11_24": "3895",
        "age_25_64": "843",
    }
    response = client.post("/prevention/events/new/", form)
    assert response.status_code == 400
    page = response.content.decode()
    assert "by age band adds up to 4,738" in page
    for typed in ('value="Festival of films"', 'value="2867"', 'value="843"', 'value="Kara-Suu"'):
        assert typed in page
    assert not Event.objects.exists()
    form["rest_not_recorded"] = "on"
    response = client.post("/prevention/events/new/", form)
    assert response.status_code == 302
    event = Event.objects.get()
    assert response["Location"] == f"/prevention/events/{event.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "4838" in page.replace(",", "").replace("\u00a0", "")


def test_broadcast_reach_is_not_attendance(me_officer):
    event = services.record_event(
        membership=me_officer,
        data=festival_data(event_type="broadcast", title="Radio programme", broadcast_reach=120000),
        attendance=Attendance(total=0),
    )
    assert event.total_attendance == 0 and event.broadcast_reach == 120000


def test_a_head_count_without_breakdown_is_all_not_recorded(me_officer):
    event = services.record_event(
        membership=me_officer,
        data=festival_data(event_type="round_table", title="Round table"),
        attendance=Attendance(total=25),
    )
    counts = counts_of(event)
    assert counts[("U", ANY)] == 25 and counts[(ANY, AGE_UNKNOWN)] == 25


def test_edit_keeps_attendance_and_refuses_a_stale_form(me_officer, login):
    event = services.record_event(
        membership=me_officer,
        data=festival_data(),
        attendance=Attendance(total=10, by_sex={"F": 6, "M": 4}),
    )
    client = login(me_officer)
    page = client.get(f"/prevention/events/{event.pk}/edit/").content.decode()
    assert 'value="6"' in page and 'value="4"' in page
    form = {
        "event_type": "film_screening",
        "title": "Renamed festival",
        "starts_on": "2026-04-10",
        "ends_on": "2026-04-12",
        "attendance_mode": "counts",
        "total": "12",
        "sex_F": "8",
        "sex_M": "4",
        "version": str(event.version),
    }
    assert client.post(f"/prevention/events/{event.pk}/edit/", form).status_code == 302
    event.refresh_from_db()
    assert event.title == "Renamed festival" and event.total_attendance == 12
    stale = {**form, "title": "Someone else's old form"}
    response = client.post(f"/prevention/events/{event.pk}/edit/", stale)
    assert response.status_code == 400
    assert "Someone else saved this record" in response.content.decode()
