from django.urls import path

from apps.referrals import views

urlpatterns = [
    path("", views.inbox, name="referral_inbox"),
    path("directory/", views.directory, name="referral_directory"),
    path("directory/ours/", views.directory_entry_ours, name="directory_entry_ours"),
    path("directory/<int:entry_id>/edit/", views.directory_entry_edit, name="directory_entry_edit"),
    path("new/", views.referral_new, name="referral_new"),
    path("<int:referral_id>/", views.referral_detail, name="referral_detail"),
    path("<int:referral_id>/summary/", views.referral_summary, name="referral_summary"),
    path("<int:referral_id>/answer/", views.referral_answer, name="referral_answer"),
    path("<int:referral_id>/form.pdf", views.referral_pdf, name="referral_pdf"),
    path("<int:referral_id>/accept/", views.referral_accept, name="referral_accept"),
    path("<int:referral_id>/decline/", views.referral_decline, name="referral_decline"),
    path("<int:referral_id>/status/", views.referral_status, name="referral_status"),
    path("<int:referral_id>/services/", views.referral_delivery, name="referral_delivery"),
    path("<int:referral_id>/admit/", views.referral_admit, name="referral_admit"),
    path("<int:referral_id>/discharge/", views.referral_discharge, name="referral_discharge"),
]
