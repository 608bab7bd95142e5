from django.urls import path

from socialmgr import status as views

urlpatterns = [
    path("", views.system_status, name="system_status"),
    path("check/", views.run_health_check, name="system_health_check"),
]
