"""/api/v1/: the versioned public API, its schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api.views.accounts import ConnectedAccountViewSet
from api.views.alerts import AlertViewSet
from api.views.analytics import AnalyticsViewSet
from api.views.assistant import AssistantViewSet
from api.views.inbox import InboxItemViewSet
from api.views.links import ShortLinkViewSet
from api.views.media import MediaViewSet
from api.views.posts import PostViewSet, TargetViewSet

router = SimpleRouter(trailing_slash=True)
router.register("accounts", ConnectedAccountViewSet, basename="api-account")
router.register("posts", PostViewSet, basename="api-post")
router.register("targets", TargetViewSet, basename="api-target")
router.register("media", MediaViewSet, basename="api-media")
router.register("inbox/items", InboxItemViewSet, basename="api-inbox-item")
router.register("inbox/alerts", AlertViewSet, basename="api-alert")
router.register("analytics/links", ShortLinkViewSet, basename="api-short-link")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(
        url_name="api-schema", template_name="api/swagger_ui.html"), name="api-docs"),
    path("analytics/summary/", AnalyticsViewSet.as_view({"get": "summary"}),
         name="api-analytics-summary"),
    path("assistant/", AssistantViewSet.as_view({"get": "overview"}), name="api-assistant"),
    path("", include(router.urls)),
]
