from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from accounts.views import public
from accounts.views.connected import flow as connect_flow
from analytics.views.links import follow as short_link_follow
from api.views.errors import api_not_found
from content.ical import ical_feed
from inbox.views import webhooks as webhook_views
from mcp_server.http import mcp_endpoint
from socialmgr import status as ops_views
from socialmgr.overview import views as overview_views
from socialmgr.portability import views as portability_views

# Everything under /o/<org_slug>/ is tenant data: each included view is wrapped by
# accounts.tenancy.org_view (tests/test_tenancy_sweep.py checks that it is).
org_patterns = [
    path("", overview_views.dashboard, name="dashboard"),
    path("", include("accounts.urls")),
    path("", include("accounts.connect_urls")),
    path("", include("content.urls")),
    path("inbox/", include("inbox.urls")),
    path("analytics/", include("analytics.urls")),
    path("", include("assistant.urls")),  # the writing assistant and its settings
    path("settings/system/", include("socialmgr.status_urls")),
    path("settings/export/", portability_views.organization_export, name="organization_export"),
    path("settings/", include("api.settings_urls")),  # API tokens, webhooks
    path("operations/", include("content.urls_pipeline")),
]

# JSON for /api/ addresses, Django's HTML pages elsewhere (api/views/errors.py).
handler404 = "api.views.errors.page_not_found"
handler500 = "api.views.errors.server_error"

urlpatterns = [
    path("", public.home, name="home"),
    path("healthz", ops_views.healthz, name="healthz"),
    path("webhooks/meta/", webhook_views.meta_webhook, name="webhook_meta"),
    # One OAuth redirect URI per platform for the whole installation (hands over to the org).
    path("connect/<slug:provider_key>/callback/", connect_flow.connect_callback,
         name="connect_callback"),
    path("accounts/", include("allauth.urls")),
    path("organizations/new/", public.organization_create_view, name="organization_create"),
    path("invitations/<str:token>/", public.invitation_accept_view, name="invitation_accept"),
    path("review/", include("content.public_urls")),
    # Own short links in published posts (public; counts clicks without cookies).
    path("l/<str:code>", short_link_follow, name="short_link"),
    # Private per-user calendar feed; the token in the path is the credential.
    path("ical/<str:token>.ics", ical_feed, name="ical_feed"),
    path("preferences/", public.preferences_view, name="preferences"),
    path("preferences/language/", public.set_language_view, name="set_language"),
    path("o/<slug:org_slug>/", include(org_patterns)),
    # Public REST API; token-authenticated and scoped to the token's organisation.
    path("api/v1/", include("api.urls")),
    # MCP for AI agents (streamable HTTP), with the same tokens; with or without the slash.
    path("mcp/", mcp_endpoint, name="mcp"),
    re_path(r"^mcp$", mcp_endpoint),
    re_path(r"^api/", api_not_found, name="api_not_found"),  # JSON, never the HTML page
    path("admin/", admin.site.urls),
]

if settings.DEBUG or settings.TESTING:
    # Development and tests only (MEDIA_ROOT read per request: tests point it at a tmp dir).
    # Production serves MEDIA_URL from the web server or the storage backend.
    from django.views.static import serve as _serve_media

    urlpatterns += [
        path("media/<path:path>", lambda request, path: _serve_media(
            request, path, document_root=settings.MEDIA_ROOT), name="media_dev"),
    ]
