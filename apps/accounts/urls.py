from django.urls import path

from apps.accounts import views

urlpatterns = [
    path("", views.organization_settings, name="organization_settings"),
    path(
        "members/<int:membership_id>/end/",
        views.membership_deactivate,
        name="membership_deactivate",
    ),
    path(
        "invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("join/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("choose/", views.choose_membership, name="choose_membership"),
]
