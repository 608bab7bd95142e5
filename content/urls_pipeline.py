"""/o/<slug>/operations/: the publishing pipeline's page and decisions."""

from django.urls import path

from content.views import pipeline

urlpatterns = [
    path("", pipeline.operations, name="operations"),
    path("targets/<int:pk>/retry/", pipeline.target_retry_view, name="target_retry"),
    path("targets/<int:pk>/confirm/", pipeline.target_confirm_view, name="target_confirm"),
    path("targets/<int:pk>/publish-again/", pipeline.target_publish_again_view,
         name="target_publish_again"),
]
