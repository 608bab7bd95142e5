"""Tokens: 401s, role caps, hashing, audit, throttling, and the cross-organisation 404 sweep."""

import datetime as dt
import hashlib
import io

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from PIL import Image

from accounts.models import AuditEntry
from accounts.roles import Role
from accounts.services.errors import ServiceError
from analytics.models import ShortLink
from api.models import ApiToken
from api.services.tokens import api_token_create, api_token_revoke
from content.services.posts import PostData, post_create
from inbox.models import Alert
from tests.factories import MembershipFactory
from tests.inbox.factories import InboxItemFactory


def test_missing_token_is_401_with_www_authenticate(api, db):
    response = api().get("/api/v1/posts/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer smt_abc_def", "Bearer",
                                    "Bearer a b", "Token smt_x"])
def test_wrong_token_is_401(client, db, header):
    response = client.get("/api/v1/posts/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_token_is_stored_hashed_and_shown_once(org, owner):
    issued = api_token_create(organization=org, actor=owner, name="CI", role=Role.EDITOR)
    assert issued.plain.startswith(f"smt_{issued.token.prefix}_")
    assert len(issued.plain) > 40
    stored = ApiToken.objects.get(pk=issued.token.pk)
    assert stored.digest == hashlib.sha256(issued.plain.encode()).hexdigest()
    assert issued.plain not in str(stored.__dict__)
    entry = AuditEntry.objects.get(verb="api.token.created")
    assert entry.details["role"] == "editor" and issued.plain not in str(entry.details)


def test_revoked_and_expired_tokens_are_401(org, owner, api, issue_token):
    issued = api_token_create(organization=org, actor=owner, name="CI", role=Role.VIEWER)
    assert api(issued.plain).get("/api/v1/accounts/").status_code == 200
    api_token_revoke(token=issued.token, actor=owner)
    assert api(issued.plain).get("/api/v1/accounts/").status_code == 401
    assert AuditEntry.objects.filter(verb="api.token.revoked").count() == 1
    with pytest.raises(ServiceError):
        api_token_revoke(token=issued.token, actor=owner)
    soon = api_token_create(organization=org, actor=owner, name="Short", role=Role.VIEWER,
                            expires_at=timezone.now() + dt.timedelta(hours=1))
    ApiToken.objects.filter(pk=soon.token.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert api(soon.plain).get("/api/v1/accounts/").status_code == 401


def test_token_of_a_removed_member_is_401(org, owner, api, member_of):
    admin = member_of(Role.ADMIN)
    issued = api_token_create(organization=org, actor=admin, name="CI", role=Role.EDITOR)
    admin.memberships.all().delete()
    assert api(issued.plain).get("/api/v1/accounts/").status_code == 401


def test_last_used_at_is_recorded(org, owner, api):
    issued = api_token_create(organization=org, actor=owner, name="CI", role=Role.VIEWER)
    api(issued.plain).get("/api/v1/accounts/")
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None


@pytest.mark.parametrize("actor_role,token_role", [
    (Role.ADMIN, Role.OWNER), (Role.EDITOR, Role.VIEWER), (Role.APPROVER, Role.EDITOR)])
def test_tokens_never_exceed_the_creator_and_only_admins_issue_them(org, member_of, actor_role,
                                                                   token_role):
    with pytest.raises(ServiceError):
        api_token_create(organization=org, actor=member_of(actor_role), name="x",
                         role=token_role)
    assert not ApiToken.objects.exists()


def test_outsider_cannot_issue_tokens_for_an_org(org, outsider):
    with pytest.raises(ServiceError):
        api_token_create(organization=org, actor=outsider, name="x", role=Role.VIEWER)


def test_rate_limit_answers_429_with_retry_after(org, api, issue_token, settings):
    settings.API_RATE_LIMIT = "3/minute"
    client = api(issue_token(org, Role.VIEWER))
    other = api(issue_token(org, Role.VIEWER))
    assert [client.get("/api/v1/accounts/").status_code for _ in range(3)] == [200] * 3
    limited = client.get("/api/v1/accounts/")
    assert limited.status_code == 429
    assert limited.json()["code"] == "throttled"
    assert 1 <= int(limited["Retry-After"]) <= 60
    # Counted per token: another token of the same organisation is not affected.
    assert other.get("/api/v1/accounts/").status_code == 200


@pytest.mark.redis
def test_rate_limit_is_shared_through_redis(org, api, issue_token, settings):
    """Counted in Redis, so every web process sees the same count."""
    import uuid

    from django.core.cache import caches

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": settings.REDIS_URL,
                                   "KEY_PREFIX": f"api-test-{uuid.uuid4()}"}}
    settings.API_RATE_LIMIT = "2/minute"
    client = api(issue_token(org, Role.VIEWER))
    assert client.get("/api/v1/accounts/").status_code == 200
    assert client.get("/api/v1/accounts/").status_code == 200
    redis = caches["default"]._cache.get_client()
    keys = redis.keys(f"*{settings.CACHES['default']['KEY_PREFIX']}*api-throttle*")
    assert len(keys) == 1 and b"api-throttle:token:" in keys[0]
    assert client.get("/api/v1/accounts/").status_code == 429
    redis.delete(*keys)


# --- tenancy: a token of one organisation gets 404 for every object of another ------------

def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def foreign_objects(other_org, other_account, outsider):
    """One object of every kind the API exposes, all in `other_org`."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from content.services.media import media_upload

    post = post_create(organization=other_org, actor=outsider,
                       data=PostData(text="theirs", account_ids=[other_account.pk]))
    asset = media_upload(organization=other_org, actor=outsider,
                         upload=SimpleUploadedFile("x.png", _png(), "image/png"))
    item = InboxItemFactory(organization=other_org, account=other_account)
    link = ShortLink.objects.create(organization=other_org, code="theirs123",
                                    url="https://other.example/", account=other_account,
                                    provider=other_account.provider)
    alert = Alert.objects.create(organization=other_org, account=other_account,
                                 kind="negative", window_start=timezone.now(),
                                 window_end=timezone.now(), count=9, baseline=0, threshold=5)
    return {"api-short-link": link.pk, "api-alert": alert.pk,
            "api-account": other_account.pk, "api-post": post.pk,
            "api-target": post.targets.get().pk, "api-media": asset.pk,
            "api-inbox-item": item.pk}


def _detail_routes():
    """(basename, suffix, method) for every detail route of the API router."""
    from api.urls import router

    routes = []
    for prefix, viewset, basename in router.registry:
        for route in router.get_routes(viewset):
            if not route.detail:
                continue
            for method, action in route.mapping.items():
                if hasattr(viewset, action):
                    suffix = route.url.split("{lookup}")[1].replace("{trailing_slash}", "/")
                    suffix = suffix.lstrip("/").rstrip("$")
                    routes.append((prefix, basename, suffix, method))
    return routes


DETAIL_ROUTES = _detail_routes()


def test_the_sweep_covers_every_detail_action():
    actions = {(b, s, m) for _p, b, s, m in DETAIL_ROUTES}
    assert ("api-post", "approve/", "post") in actions
    assert ("api-inbox-item", "reply/", "post") in actions
    assert ("api-post", "", "patch") in actions and ("api-post", "", "delete") in actions
    assert len(DETAIL_ROUTES) >= 17


@pytest.mark.parametrize("prefix,basename,suffix,method", DETAIL_ROUTES,
                         ids=[f"{m}-{p}-{s or 'detail'}" for p, _b, s, m in DETAIL_ROUTES])
def test_other_orgs_objects_are_404_on_every_detail_route(org, api, issue_token,
                                                         foreign_objects, prefix, basename,
                                                         suffix, method):
    client = api(issue_token(org, Role.OWNER))
    pk = foreign_objects[basename]
    url = f"/api/v1/{prefix}/{pk}/{suffix}"
    response = getattr(client, method)(url, {}, format="json")
    assert response.status_code == 404, (url, response.content)
    assert response.json()["code"] == "not_found"


def test_every_api_url_is_in_the_router_or_docs():
    """New endpoints must be mounted through the router so the 404 sweep covers them."""
    from api import urls

    names = {p.name for p in urls.urlpatterns if isinstance(p, URLPattern)}
    # no object ids
    assert names == {"api-schema", "api-docs", "api-analytics-summary", "api-assistant"}
    assert any(isinstance(p, URLResolver) for p in urls.urlpatterns)
    assert get_resolver().resolve("/api/v1/posts/").url_name == "api-post-list"


def test_a_member_of_both_orgs_still_only_sees_the_tokens_org(org, other_org, api,
                                                              foreign_objects):
    owner = MembershipFactory(organization=org, role=Role.OWNER).user
    MembershipFactory(organization=other_org, user=owner, role=Role.OWNER)
    token = api_token_create(organization=org, actor=owner, name="x", role=Role.OWNER).plain
    assert api(token).get(f"/api/v1/posts/{foreign_objects['api-post']}/").status_code == 404
    assert api(token).get("/api/v1/posts/").json()["results"] == []
