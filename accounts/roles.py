"""Roles and what each may do, declared once as data.

Roles are ordered; a permission names the least role that holds it. Views,
services and templates all ask `role_allows(role, perm)` (or
`membership.can(perm)`), so there is no second list to drift.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    EDITOR = "editor", _("Editor")
    APPROVER = "approver", _("Approver")
    ADMIN = "admin", _("Admin")
    OWNER = "owner", _("Owner")


RANK = {role: rank for rank, role in enumerate(Role)}

# permission -> least role that holds it
PERMISSIONS: dict[str, Role] = {
    "org.view": Role.VIEWER,
    "post.view": Role.VIEWER,
    "analytics.view": Role.VIEWER,
    "inbox.view": Role.VIEWER,
    "post.edit": Role.EDITOR,
    "post.submit": Role.EDITOR,
    "media.edit": Role.EDITOR,
    "inbox.reply": Role.EDITOR,
    "inbox.work": Role.EDITOR,
    "assistant.use": Role.EDITOR,  # ask the writing assistant (admins configure it)
    "post.approve": Role.APPROVER,
    "inbox.approve": Role.APPROVER,
    "post.schedule": Role.APPROVER,
    "post.publish": Role.APPROVER,
    "members.manage": Role.ADMIN,
    "invitations.manage": Role.ADMIN,
    "org.settings": Role.ADMIN,
    "inbox.manage": Role.ADMIN,
    "channels.manage": Role.ADMIN,
    "audit.view": Role.ADMIN,
    "ops.view": Role.ADMIN,
    "org.delete": Role.OWNER,
    "org.export": Role.OWNER,  # everything the organisation holds, in one download
    "owners.manage": Role.OWNER,
}


def role_allows(role: str, perm: str) -> bool:
    """True when `role` holds `perm`. An unknown permission is a programming error."""
    return RANK[Role(role)] >= RANK[PERMISSIONS[perm]]


def at_least(role: str, minimum: str) -> bool:
    return RANK[Role(role)] >= RANK[Role(minimum)]


def grantable_roles(actor_role: str) -> list[Role]:
    """Roles an actor may give: admins up to admin, owners everything."""
    if actor_role == Role.OWNER:
        return list(Role)
    if actor_role == Role.ADMIN:
        return [r for r in Role if r != Role.OWNER]
    return []
