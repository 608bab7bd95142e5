import email.utils
import logging
import time

import pytest
import requests
import responses

from platforms.errors import AuthExpired, RateLimited, Rejected, Transient
from platforms.http import HttpClient, parse_retry_after, pick, reason_from_body

URL = "https://api.example.com/v1/things"
TOKEN = "super-secret-access-token-abc123"


@pytest.fixture
def client():
    return HttpClient("Example")


@responses.activate
def test_success_returns_parsed_json_and_sends_user_agent_and_bearer(client, settings):
    responses.get(URL, json={"id": 1})
    assert client.json("GET", URL, token=TOKEN) == {"id": 1}
    sent = responses.calls[0].request.headers
    assert sent["Authorization"] == f"Bearer {TOKEN}"
    assert sent["User-Agent"] == f"socialmgr/0.1 (+{settings.SITE_URL})"


@responses.activate
def test_401_is_auth_expired(client):
    responses.get(URL, status=401, json={"error": "invalid_token"})
    with pytest.raises(AuthExpired) as info:
        client.request("GET", URL, token=TOKEN)
    assert info.value.status == 401


@responses.activate
def test_platform_specific_expired_body_is_auth_expired():
    # Bluesky answers an expired access token with 400 ExpiredToken.
    client = HttpClient("Bluesky", is_auth_expired=lambda r, body: isinstance(body, dict)
                        and body.get("error") == "ExpiredToken")
    responses.get(URL, status=400, json={"error": "ExpiredToken", "message": "Token has expired"})
    with pytest.raises(AuthExpired):
        client.request("GET", URL, token=TOKEN)


@responses.activate
@pytest.mark.parametrize(("make_headers", "expected"), [
    (lambda now: {"Retry-After": "30"}, 30),
    (lambda now: {"x-rate-limit-reset": str(int(now) + 60)}, 60),
    (lambda now: {"X-RateLimit-Reset": str(int(now) + 90)}, 90),
    (lambda now: {"ratelimit-reset": "15"}, 15),
    (lambda now: {"Retry-After": email.utils.formatdate(now + 120, usegmt=True)}, 120),
])
def test_429_is_rate_limited_with_retry_after(client, make_headers, expected):
    responses.get(URL, status=429, json={"message": "Too many requests"},
                  headers=make_headers(time.time()))
    with pytest.raises(RateLimited) as info:
        client.request("GET", URL)
    assert info.value.retry_after == pytest.approx(expected, abs=2)


def test_retry_after_unknown_is_none():
    assert parse_retry_after({}) is None
    assert parse_retry_after({"Retry-After": "soon"}) is None


@responses.activate
@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_is_transient_not_rate_limited(client, status):
    responses.get(URL, status=status, body="<html>oops</html>")
    with pytest.raises(Transient) as info:
        client.request("GET", URL)
    assert not isinstance(info.value, RateLimited)


@responses.activate
def test_timeout_and_connection_errors_are_transient(client):
    responses.get(URL, body=requests.ConnectTimeout("slow"))
    with pytest.raises(Transient):
        client.request("GET", URL)
    responses.replace(responses.GET, URL, body=requests.ConnectionError("reset"))
    with pytest.raises(Transient):
        client.request("GET", URL)


@responses.activate
@pytest.mark.parametrize(("body", "reason"), [
    ({"error": "Validation failed: Text character limit of 500 exceeded"}, "character limit"),
    ({"error": "invalid_request", "error_description": "Bad media id"}, "Bad media id"),
    ({"detail": "You are not allowed to create a Tweet with duplicate content."}, "duplicate"),
    ({"message": "Post text too long"}, "too long"),
    ({"errors": [{"message": "Status is a duplicate."}]}, "duplicate"),
])
def test_other_4xx_is_rejected_with_the_platform_reason(client, body, reason):
    responses.post(URL, status=422, json=body)
    with pytest.raises(Rejected) as info:
        client.request("POST", URL, json={})
    assert reason in info.value.reason


@responses.activate
def test_invalid_json_on_success_is_transient(client):
    responses.get(URL, body="<html>maintenance</html>", status=200)
    with pytest.raises(Transient, match="not valid JSON"):
        client.json("GET", URL)


def test_pick_gives_typed_errors_not_key_errors():
    assert pick({"data": {"id": "7"}}, "data.id") == "7"
    with pytest.raises(Transient, match="'id' is missing"):
        pick({}, "id")
    with pytest.raises(Transient, match="wrong type"):
        pick({"id": 5}, "id", str)
    assert pick({}, "cursor", str, default="") == ""


def test_reason_from_body_handles_odd_shapes():
    assert reason_from_body(None) == ""
    assert reason_from_body("plain text") == "plain text"
    assert reason_from_body({"error": {"message": "nested"}}) == "nested"


@responses.activate
def test_token_never_appears_in_errors_or_logs(client, caplog):
    caplog.set_level(logging.DEBUG)
    url = f"{URL}?access_token={TOKEN}"
    responses.get(url, status=400, json={"error": f"bad token {TOKEN}"})
    responses.get(URL, body=requests.ConnectionError(f"failed for {url}"))
    with pytest.raises(Rejected) as rejected:
        client.request("GET", url, token=TOKEN)
    with pytest.raises(Transient) as transient:
        client.request("GET", URL, token=TOKEN, params={"access_token": TOKEN})
    for error in (rejected.value, transient.value):
        assert TOKEN not in str(error) and TOKEN not in repr(error.args)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "answered HTTP 400" in logged
    assert TOKEN not in logged
