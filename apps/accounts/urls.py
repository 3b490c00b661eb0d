from django.urls import path

from apps.accounts import views

urlpatterns = [
    path("", views.organization_settings, name="organization_settings"),
    path(
        "members/<int:membership_id>/end/",
        views.membership_deactivate,
        name="membership_deactivate",
    ),
]
