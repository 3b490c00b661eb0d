from django.urls import path

from apps.exchange import views

urlpatterns = [
    path("referrals/<int:referral_id>/", views.export_page, name="htcds_export"),
    path(
        "referrals/<int:referral_id>/htcds.<str:fmt>",
        views.export_file,
        name="htcds_export_file",
    ),
    path("import/", views.import_page, name="htcds_import"),
]
