"""Organisation-scoped URLs of the accounts app (mounted under /o/<org_slug>/)."""

from django.urls import path

from accounts.views import audit, members, org

urlpatterns = [
    path("settings/", org.organization_settings, name="organization_settings"),
    path("settings/leave/", org.organization_leave, name="organization_leave"),
    path("settings/members/", members.members, name="members"),
    path("settings/members/<int:pk>/role/", members.member_role_view, name="member_role"),
    path("settings/members/<int:pk>/remove/", members.member_remove_view, name="member_remove"),
    path("settings/invitations/", members.invitation_create_view, name="invitation_create"),
    path("settings/invitations/<int:pk>/revoke/", members.invitation_revoke_view,
         name="invitation_revoke"),
    path("settings/audit/", audit.audit_log, name="audit_log"),
]
