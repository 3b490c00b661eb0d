from django.urls import path

from apps.screening import views

urlpatterns = [
    path("new/", views.screening_new, name="screening_new"),
    path("<int:screening_id>/", views.screening_detail, name="screening_detail"),
    path("person/<int:person_id>/", views.person_screenings, name="person_screenings"),
]
