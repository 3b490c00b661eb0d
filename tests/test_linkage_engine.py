"""The linker on its own: the linker's phone form is the app's, and a file big enough
to train on (EM on the file, averaged with the shipped model) still finds the same
people written in other scripts without joining namesakes."""

from itertools import combinations

import pytest

from apps.core.phones import normalised_phone
from apps.linkage import engine
from apps.linkage.features import phone_form
from apps.linkage.generate import generate


@pytest.mark.parametrize(
    "raw",
    [
        "0555 123 456",
        "+996 555 123 456",
        "0(555)12-34-56",
        "+996555123456",
        "996555123456",
        "0555-123456",
        "+7 912 345 67 89",
        "0055512345",
        "+9960555123456",
        "0312 62 11 22",
        "12",
        "",
    ],
)
def test_phone_form_is_the_apps_normalised_phone(raw):
    assert phone_form(raw) == normalised_phone(raw)


def test_a_file_big_enough_to_train_on_keeps_duplicates_apart_from_namesakes():
    records = generate(1500, seed=3)
    assert len(records) >= engine.MIN_RECORDS_TO_ESTIMATE  # EM runs on the file
    clusters: dict = {}
    for r in records:
        clusters.setdefault(r["cluster"], []).append(str(r["id"]))
    truth = {frozenset(p) for ids in clusters.values() for p in combinations(ids, 2)}
    found = {frozenset((a, b)) for a, b, _p, _f in engine.link(records).pairs}
    hits = len(found & truth)
    assert hits / len(found) > 0.9  # precision
    assert hits / len(truth) > 0.9  # recall
