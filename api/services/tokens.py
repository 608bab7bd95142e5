"""Creating, checking and revoking API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import Membership
from accounts.roles import RANK, Role, at_least, role_allows
from accounts.services.errors import ServiceError
from api.models import ApiToken
from lib.text_input import clean_name

TOKEN_PREFIX = "smt_"  # noqa: S105 - a public marker, not a secret
# last_used_at is written at most this often per token (one UPDATE, not one per request).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plain: str  # shown once, never stored


def digest_of(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def _new_secret() -> tuple[str, str]:
    prefix = secrets.token_hex(6)
    return prefix, f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


def api_token_create(*, organization, actor, name: str, role: str,
                     expires_at: dt.datetime | None = None, request=None) -> IssuedToken:
    """Issue a token acting as `actor`, capped at `role` (never above the actor's own role)."""
    membership = Membership.objects.filter(organization=organization, user=actor).first()
    if membership is None or not membership.can("org.settings"):
        raise ServiceError(_("Only administrators can create API tokens."), code="forbidden")
    if role not in Role.values:
        raise ServiceError(_("Unknown role."), code="role")
    if not at_least(membership.role, role):
        raise ServiceError(_("A token cannot have a higher role than your own."), code="role")
    name = clean_name(name)
    if not name:
        raise ServiceError(_("Give the token a name."), code="name")
    if expires_at is not None and expires_at <= timezone.now():
        raise ServiceError(_("The expiry date must be in the future."), code="expires_at")
    prefix, plain = _new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            organization=organization, name=name[:100], role=role, created_by=actor,
            prefix=prefix, digest=digest_of(plain), expires_at=expires_at)
        audit_record(organization=organization, actor=actor, verb="api.token.created",
                     target=token, request=request,
                     details={"role": role, "prefix": prefix,
                              "expires_at": expires_at.isoformat() if expires_at else None})
    return IssuedToken(token=token, plain=plain)


def api_token_revoke(*, token: ApiToken, actor, request=None) -> ApiToken:
    with transaction.atomic():
        changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor)
        if not changed:
            raise ServiceError(_("This token was already revoked."), code="revoked")
        token.refresh_from_db()
        audit_record(organization=token.organization, actor=actor, verb="api.token.revoked",
                     target=token, request=request, details={"prefix": token.prefix})
    return token


def effective_role(token: ApiToken, membership: Membership) -> str:
    """The lower of the token's cap and its creator's current role."""
    return min(token.role, membership.role, key=lambda r: RANK[Role(r)])


@dataclass(frozen=True)
class Principal:
    token: ApiToken
    membership: Membership  # unsaved copy carrying the effective role

    def can(self, perm: str) -> bool:
        return role_allows(self.membership.role, perm)


def api_token_authenticate(plain: str, *, now: dt.datetime | None = None) -> Principal | None:
    """The principal a presented token stands for, or None (unknown, revoked, expired, or
    its creator is no longer a member)."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    now = now or timezone.now()
    token = (ApiToken.objects.active(now).select_related("organization", "created_by")
             .filter(digest=digest_of(plain)).first())
    if token is None or not token.created_by.is_active:
        return None
    real = Membership.objects.filter(organization=token.organization,
                                     user=token.created_by).first()
    if real is None:
        return None
    capped = Membership(pk=real.pk, user=token.created_by, organization=token.organization,
                        role=effective_role(token, real), created_at=real.created_at)
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return Principal(token=token, membership=capped)
