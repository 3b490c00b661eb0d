from django.urls import path

from apps.api import views

urlpatterns = [
    path("", views.api_tokens, name="api_tokens"),
    path("organisation/", views.organization_api_tokens, name="organization_api_tokens"),
    path("<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
