from django.urls import path

from content.views import public

urlpatterns = [
    path("<str:token>/", public.client_review, name="client_review"),
]
