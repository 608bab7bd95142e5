"""Organisation-scoped URLs of connected accounts (mounted under /o/<org_slug>/)."""

from django.urls import path

from accounts.views.connected import access, flow, pages

urlpatterns = [
    path("settings/accounts/", pages.connected_accounts, name="connected_accounts"),
    path("settings/accounts/connect/<slug:provider_key>/", pages.connect_page,
         name="connect_page"),
    path("settings/accounts/connect/<slug:provider_key>/start/", flow.connect_start,
         name="connect_start"),
    path("settings/accounts/connect/<slug:provider_key>/callback/", flow.connect_callback_org,
         name="connect_callback_org"),
    path("settings/accounts/connect/<slug:provider_key>/choose/", flow.connect_choose,
         name="connect_choose"),
    path("settings/accounts/connect/<slug:provider_key>/app/", pages.platform_app_view,
         name="platform_app"),
    path("settings/accounts/connect/<slug:provider_key>/check/", pages.check_setup_view,
         name="check_setup"),
    path("settings/accounts/<int:pk>/rename/", pages.account_rename_view, name="account_rename"),
    path("settings/accounts/<int:pk>/disable/", pages.account_disable_view,
         name="account_disable"),
    path("settings/accounts/<int:pk>/enable/", pages.account_enable_view, name="account_enable"),
    path("settings/accounts/<int:pk>/disconnect/", pages.account_disconnect_view,
         name="account_disconnect"),
    path("settings/accounts/access/<int:membership_pk>/", access.member_access,
         name="member_account_access"),
]
