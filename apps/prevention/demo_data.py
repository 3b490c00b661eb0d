"""Fictitious prevention work for the demo (me@demo.example of demo-bishkek): a
three-stop village bus tour and a three-day film festival, a training with named
participants and a capacity self-assessment. Every place-name pairing, name and number
is invented."""

from datetime import timedelta

from django.utils import timezone

from apps.people.demo_names import KYRGYZ_FAMILY_ROOTS, KYRGYZ_FEMALE
from apps.prevention import services
from apps.prevention.services import Attendance

ME = "me@demo.example"
TOUR_STOPS = (
    (
        "Ak-Suu",
        "Ak-Suu",
        {("F", "11_24"): 18, ("F", "25_64"): 31, ("M", "11_24"): 12, ("M", "25_64"): 22},
    ),
    (
        "Tüp",
        "Tüp",
        {("F", "11_24"): 9, ("F", "25_64"): 26, ("M", "25_64"): 17, ("F", "65_plus"): 4},
    ),
    ("Jeti-Ögüz", "Jeti-Ögüz", {("F", "under_11"): 6, ("F", "25_64"): 21, ("M", "25_64"): 19}),
)


def quarter_start(day):
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def seed(*, members, organizations, rng):
    me = members.get(ME)
    if me is None:
        return
    start = quarter_start(timezone.localdate())
    tour = services.create_campaign(
        membership=me,
        name="Bus tour: safe migration, Issyk-Kul villages (demo)",
        starts_on=start + timedelta(days=3),
        ends_on=start + timedelta(days=7),
    )
    for i, (village, district, cells) in enumerate(TOUR_STOPS):
        day = start + timedelta(days=3 + 2 * i)
        services.record_event(
            membership=me,
            data={
                "event_type": "village_tour_stop",
                "title": f"Village tour stop {i + 1}: {village} (demo)",
                "starts_on": day,
                "ends_on": day,
                "region": "issyk_kul",
                "district": district,
                "village": village,
                "venue": "House of culture",
                "facilitators": "Demo facilitators",
                "target_group": "young people and parents",
                "materials_distributed": 40 + rng.randint(0, 30),
                "campaign": tour,
            },
            attendance=Attendance(total=sum(cells.values()), cells=cells),
        )
    festival = services.create_campaign(
        membership=me,
        name="Film festival against trafficking (demo)",
        starts_on=start + timedelta(days=10),
        ends_on=start + timedelta(days=12),
    )
    services.record_event(
        membership=me,
        data={
            "event_type": "film_screening",
            "title": "Film festival, Osh (demo)",
            "starts_on": start + timedelta(days=10),
            "ends_on": start + timedelta(days=12),
            "region": "osh_city",
            "village": "Osh",
            "venue": "City cinema",
            "materials_distributed": 1200,
            "campaign": festival,
        },
        # As organisers count at the door: by sex and, separately, by age.
        attendance=Attendance(
            total=4838, by_sex={"F": 2867, "M": 1971}, by_age={"11_24": 3895, "25_64": 943}
        ),
    )
    services.record_event(
        membership=me,
        data={
            "event_type": "broadcast",
            "title": "Radio programme on safe migration (demo)",
            "starts_on": start + timedelta(days=14),
            "ends_on": start + timedelta(days=14),
            "region": "chuy",
            "broadcast_reach": 45000,
        },
    )
    training = services.record_event(
        membership=me,
        data={
            "event_type": "training",
            "title": "Training for village council members, day 1 (demo)",
            "starts_on": start + timedelta(days=5),
            "ends_on": start + timedelta(days=5),
            "region": "naryn",
            "village": "At-Bashy",
            "attendance_mode": "list",
        },
    )
    given, family = rng.sample(KYRGYZ_FEMALE, 6), rng.sample(KYRGYZ_FAMILY_ROOTS, 6)
    for first, root in zip(given, family, strict=True):
        services.add_participant(
            membership=me, event=training, name=f"{first} {root}ова", sex="F", age_band="25_64"
        )
    services.record_test_score(
        membership=me, event=training, group="All participants", pre_score=42, post_score=78
    )
    year = start.year
    for offset, base in ((2, 2), (1, 3), (0, 3)):
        services.save_capacity_assessment(
            membership=me,
            year=year - offset,
            scores={
                "governance": base,
                "staff_skills": base + (offset == 0),
                "prevention": min(5, base + 1),
                "victim_services": base,
                "monitoring": max(1, base - 1 + (offset == 0)),
                "finances": base,
            },
        )
