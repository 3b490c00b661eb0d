from django.urls import path

from apps.linkage import views

urlpatterns = [
    path("", views.review_queue, name="linkage_queue"),
    path("check/", views.entry_check, name="linkage_entry_check"),
    path("find/", views.run_finder, name="linkage_find"),
    path("pairs/<int:pair_id>/", views.pair_review, name="linkage_pair"),
    path("merges/<int:merge_id>/undo/", views.merge_undo, name="linkage_merge_undo"),
]
