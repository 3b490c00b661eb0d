from django.urls import path

from apps.linkage import api

urlpatterns = [
    path("duplicates/check/", api.DuplicateCheckView.as_view(), name="api_duplicate_check"),
    path("duplicates/pairs/", api.PairListView.as_view(), name="api_duplicate_pairs"),
    path(
        "duplicates/pairs/<int:pair_id>/decision/",
        api.PairDecisionView.as_view(),
        name="api_duplicate_decision",
    ),
    path(
        "duplicates/merges/<int:merge_id>/undo/",
        api.MergeUndoView.as_view(),
        name="api_merge_undo",
    ),
    path(
        "duplicates/people/<int:person_id>/known-elsewhere/",
        api.KnownElsewhereView.as_view(),
        name="api_known_elsewhere",
    ),
]
