"""Settings pages under /o/<org_slug>/settings/ (mounted in socialmgr/urls.py)."""

from django.urls import path

from api.views import admin

urlpatterns = [
    path("api/", admin.tokens, name="api_tokens"),
    path("api/<int:pk>/revoke/", admin.token_revoke, name="api_token_revoke"),
    path("webhooks/", admin.webhooks, name="api_webhooks"),
    path("webhooks/<int:pk>/", admin.webhook_detail, name="api_webhook_detail"),
    path("webhooks/<int:pk>/rotate-secret/", admin.webhook_rotate, name="api_webhook_rotate"),
    path("webhooks/<int:pk>/delete/", admin.webhook_delete, name="api_webhook_delete"),
    path("webhooks/deliveries/<int:pk>/resend/", admin.delivery_resend,
         name="api_webhook_resend"),
]
