from django.urls import include, path

from apps.hotline import views

urlpatterns = [
    path("", views.hotline_home, name="hotline_home"),
    path("new/", views.call_new, name="call_new"),
    path("autosave/", views.call_autosave, name="call_autosave"),
    path("earlier-calls/", views.call_earlier_calls, name="call_earlier_calls"),
    path("agency-lookup/", views.call_agency_lookup, name="call_agency_lookup"),
    path("<int:call_id>/", views.call_detail, name="call_detail"),
    path("<int:call_id>/edit/", views.call_edit, name="call_edit"),
    path("<int:call_id>/take-over/", views.call_take_over, name="call_take_over"),
    path("<int:call_id>/follow-up-done/", views.call_follow_up_done, name="call_follow_up_done"),
    path("<int:call_id>/link/", views.call_link, name="call_link"),
    path("<int:call_id>/open-case/", views.call_open_case, name="call_open_case"),
    path("answers/", include("apps.hotline.urls_knowledge")),
    path("statistics/", include("apps.hotline.urls_stats")),
]
