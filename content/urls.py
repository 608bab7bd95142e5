from django.urls import path

from content import views

urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("compose/", views.compose, name="compose"),
]
