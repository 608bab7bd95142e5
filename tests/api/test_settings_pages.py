"""Admin pages: create/revoke tokens, register/edit/delete webhooks, re-send deliveries;
and the public schema and docs pages."""

import json
import re
import socket

import pytest
import responses

from accounts.models import AuditEntry
from accounts.roles import Role
from api.models import ApiToken, WebhookDelivery, WebhookEndpoint
from api.services.tokens import digest_of
from api.services.webhooks import webhook_endpoint_create


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        if host == "hooks.example.com":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 443))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)


def test_admin_creates_a_token_and_sees_it_once(org, login, member_of, api):
    admin = member_of(Role.ADMIN)
    client = login(admin)
    response = client.post("/o/acme/settings/api/", {"name": "CMS", "role": "editor"})
    assert response.status_code == 200
    plain = re.search(r'value="(smt_[^"]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert token.digest == digest_of(plain) and token.role == "editor"
    assert plain not in client.get("/o/acme/settings/api/").content.decode()
    assert api(plain).get("/api/v1/accounts/").status_code == 200


def test_admin_cannot_create_an_owner_token(org, login, member_of):
    client = login(member_of(Role.ADMIN))
    response = client.post("/o/acme/settings/api/", {"name": "x", "role": "owner"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_bad_token_form_changes_nothing(org, login, owner):
    response = login(owner).post("/o/acme/settings/api/",
                                 {"name": "", "role": "viewer", "expires_on": "2001-01-01"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoke_from_the_page(org, login, owner, api):
    client = login(owner)
    client.post("/o/acme/settings/api/", {"name": "CMS", "role": "viewer"})
    token = ApiToken.objects.get()
    response = client.post(f"/o/acme/settings/api/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.is_revoked
    assert AuditEntry.objects.filter(verb="api.token.revoked").exists()


def test_editor_cannot_open_the_token_page(org, login, member_of):
    assert login(member_of(Role.EDITOR)).get("/o/acme/settings/api/").status_code == 403


def test_register_a_webhook_shows_the_secret_once(org, login, owner):
    client = login(owner)
    response = client.post("/o/acme/settings/webhooks/", {
        "url": "https://hooks.example.com/x", "events": ["post.published", "post.failed"],
        "is_active": "on"})
    assert response.status_code == 200
    assert re.search(r'value="whsec_[^"]+"', response.content.decode())
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["post.published", "post.failed"] and endpoint.is_active
    assert endpoint.get_secret().startswith("whsec_")
    assert "whsec_" not in client.get("/o/acme/settings/webhooks/").content.decode()


def test_private_webhook_url_is_refused_with_a_form_error(org, login, owner, settings):
    settings.SSRF_ALLOW_LOOPBACK = False
    response = login(owner).post("/o/acme/settings/webhooks/", {
        "url": "http://127.0.0.1:8000/hook", "events": ["post.published"]})
    assert response.status_code == 400
    assert "public" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


@responses.activate
def test_edit_rotate_resend_and_delete(org, login, owner, django_capture_on_commit_callbacks):
    responses.post("https://hooks.example.com/x", status=500)
    endpoint, old_secret = webhook_endpoint_create(organization=org, actor=owner,
                                                   url="https://hooks.example.com/x",
                                                   events=["post.published"])
    delivery = WebhookDelivery.objects.create(
        organization=org, endpoint=endpoint, event="post.published",
        event_id="00000000-0000-0000-0000-0000000000aa", payload={"id": 1}, status="failed",
        response_code=500, attempts=8)
    client = login(owner)
    page = client.get(f"/o/acme/settings/webhooks/{endpoint.pk}/")
    assert page.status_code == 200 and "HTTP 500" in page.content.decode()
    saved = client.post(f"/o/acme/settings/webhooks/{endpoint.pk}/", {
        "url": "https://hooks.example.com/x", "events": ["post.failed"], "description": "CI"})
    assert saved.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.events == ["post.failed"] and not endpoint.is_active
    rotated = client.post(f"/o/acme/settings/webhooks/{endpoint.pk}/rotate-secret/")
    endpoint.refresh_from_db()
    assert endpoint.get_secret() != old_secret
    assert endpoint.get_secret() in rotated.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        resent = client.post(f"/o/acme/settings/webhooks/deliveries/{delivery.pk}/resend/")
    assert resent.status_code == 302
    assert WebhookDelivery.objects.filter(resent_from=delivery).count() == 1
    assert len(responses.calls) == 1
    client.post(f"/o/acme/settings/webhooks/{endpoint.pk}/delete/")
    assert not WebhookEndpoint.objects.exists()


def test_other_orgs_webhook_is_404(org, other_org, login, owner, outsider):
    theirs, _secret = webhook_endpoint_create(organization=other_org, actor=outsider,
                                              url="https://hooks.example.com/y",
                                              events=["post.failed"])
    client = login(owner)
    assert client.get(f"/o/acme/settings/webhooks/{theirs.pk}/").status_code == 404
    assert client.post(f"/o/acme/settings/webhooks/{theirs.pk}/delete/").status_code == 404
    assert WebhookEndpoint.objects.filter(pk=theirs.pk).exists()


def test_schema_and_docs_are_served(client, db):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert "ApiToken" in document["components"]["securitySchemes"]
    approve = document["paths"]["/api/v1/posts/{id}/approve/"]["post"]
    assert {"200", "400", "401", "403", "404", "409", "422", "429"} <= set(approve["responses"])
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert all(op.get("summary") for op in operations)
    assert all('"examples"' in json.dumps(op) for op in operations)  # each has an example
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower()
    # CSP: no inline script or style; the init script is its own file.
    assert "<script>" not in html and "<style>" not in html
    assert client.get("/api/v1/docs/?script=")["Content-Type"].startswith(
        "application/javascript")


def test_token_names_follow_the_text_rule(org, login, owner):
    client = login(owner)
    response = client.post("/o/acme/settings/api/", {"name": "T" * 101, "role": "viewer"})
    assert response.status_code == 400 and "at most 100" in response.content.decode()
    assert client.post("/o/acme/settings/api/", {"name": "\x00\x1b", "role": "viewer"}
                       ).status_code == 400
    assert not ApiToken.objects.exists()
    client.post("/o/acme/settings/api/", {"name": "C\x00MS\x7f", "role": "viewer"})
    assert ApiToken.objects.get().name == "CMS"


def test_webhook_descriptions_follow_the_text_rule(org, login, owner):
    endpoint, _secret = webhook_endpoint_create(organization=org, actor=owner,
                                                url="https://hooks.example.com/x",
                                                events=["post.published"], description="CI")
    client = login(owner)
    data = {"url": "https://hooks.example.com/x", "events": ["post.failed"], "is_active": "on"}
    refused = client.post("/o/acme/settings/webhooks/", {**data, "description": "D" * 201})
    assert refused.status_code == 400 and "at most 200" in refused.content.decode()
    edited = client.post(f"/o/acme/settings/webhooks/{endpoint.pk}/",
                         {**data, "description": "D" * 201})
    assert edited.status_code == 400
    endpoint.refresh_from_db()
    assert (endpoint.description, endpoint.events) == ("CI", ["post.published"])
    assert WebhookEndpoint.objects.count() == 1
    client.post(f"/o/acme/settings/webhooks/{endpoint.pk}/", {**data, "description": "C\x00I 2"})
    endpoint.refresh_from_db()
    assert endpoint.description == "CI 2"
