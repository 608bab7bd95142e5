"""The sandbox server itself, over raw HTTP: OAuth rules, idempotency under concurrency,
paging, validation, admin protection, persistence and the `python -m` entry point."""

from __future__ import annotations

import base64
import hashlib
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from sandbox import Knobs, SandboxApp, SandboxServer
from sandbox.control import ROUTE_STATUSES, SandboxControl
from tests.sandbox.process import SandboxProcess

REDIRECT = "http://app.example/callback"


@pytest.fixture
def token(sandbox):
    return sandbox.create_account("brand", "Brand")["access_token"]


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _post(sandbox, token, text, key="", **extra):
    headers = {**_auth(token), **({"Idempotency-Key": key} if key else {})}
    return requests.post(f"{sandbox.url}/api/v1/statuses", json={"status": text, **extra},
                         headers=headers, timeout=10)


def _pkce() -> tuple[str, str]:
    verifier = "v" * 50
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _authorize_url(sandbox, challenge: str) -> str:
    return (f"{sandbox.url}/oauth/authorize?response_type=code&client_id=app&state=s1"
            f"&redirect_uri={REDIRECT}&code_challenge={challenge}&code_challenge_method=S256")


def _exchange(sandbox, code: str, verifier: str):
    return requests.post(f"{sandbox.url}/oauth/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
        "client_id": "app", "client_secret": "s3cret", "code_verifier": verifier}, timeout=10)


def test_authorization_page_lists_accounts_and_offers_authorize_and_deny(sandbox):
    sandbox.create_account("existing_one", "Existing One")
    page = requests.get(_authorize_url(sandbox, _pkce()[1]), timeout=10)
    assert page.status_code == 200
    assert "@existing_one" in page.text and "Authorize" in page.text and "Deny" in page.text


def test_code_is_single_use_and_bound_to_the_verifier(sandbox):
    verifier, challenge = _pkce()
    params = sandbox.authorize(_authorize_url(sandbox, challenge), username="pkce_user")
    assert params["state"] == "s1"
    assert _exchange(sandbox, params["code"], "w" * 50).json()["error"] == "invalid_grant"
    params = sandbox.authorize(_authorize_url(sandbox, challenge), username="pkce_user")
    answer = _exchange(sandbox, params["code"], verifier)
    assert answer.status_code == 200 and answer.json()["expires_in"] > 0
    assert _exchange(sandbox, params["code"], verifier).status_code == 400  # used up


def test_a_client_secret_once_registered_must_match(sandbox):
    verifier, challenge = _pkce()
    params = sandbox.authorize(_authorize_url(sandbox, challenge), username="a")
    assert _exchange(sandbox, params["code"], verifier).status_code == 200
    params = sandbox.authorize(_authorize_url(sandbox, challenge), username="a")
    wrong = requests.post(f"{sandbox.url}/oauth/token", data={
        "grant_type": "authorization_code", "code": params["code"], "redirect_uri": REDIRECT,
        "client_id": "app", "client_secret": "other", "code_verifier": verifier}, timeout=10)
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"


def test_authorize_without_pkce_redirects_with_invalid_request(sandbox):
    url = (f"{sandbox.url}/oauth/authorize?response_type=code&client_id=app&state=s"
           f"&redirect_uri={REDIRECT}")
    assert sandbox.authorize(url, username="x")["error"] == "invalid_request"


def test_missing_or_invalid_token_is_401_with_mastodon_body(sandbox):
    answer = requests.get(f"{sandbox.url}/api/v1/accounts/verify_credentials",
                          headers=_auth("nope"), timeout=10)
    assert answer.status_code == 401
    assert answer.json() == {"error": "The access token is invalid"}


def test_same_idempotency_key_concurrently_creates_one_status(sandbox, token):
    sandbox.knobs(latency_ms=20)
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda _: _post(sandbox, token, "once", key="k-1"), range(20)))
    assert {a.status_code for a in answers} == {200}
    assert len({a.json()["id"] for a in answers}) == 1
    entry = sandbox.stats()["statuses"]["by_key"]["k-1"]
    assert entry["created"] == 1 and entry["requests"] == 20


def test_hundred_concurrent_posts_with_latency_finish_together(sandbox):
    sandbox.knobs(latency_ms=50)
    tokens = [sandbox.create_account(f"acct{n}")["access_token"] for n in range(100)]
    started = time.monotonic()
    with ThreadPoolExecutor(100) as pool:
        answers = list(pool.map(lambda n: _post(sandbox, tokens[n], f"post {n}", key=f"b-{n}"),
                                range(100)))
    elapsed = time.monotonic() - started
    assert all(a.status_code == 200 for a in answers)
    assert elapsed < 3.0, f"100 posts at 50 ms latency took {elapsed:.2f}s"
    stats = sandbox.stats(events=True)["statuses"]
    assert stats["created"] == 100 and stats["duplicate_keys"] == []
    assert all(e["received_at"] <= e["created_at"] + 1 for e in stats["events"])


def test_reply_to_a_missing_status_and_too_long_text_are_refused(sandbox, token):
    assert _post(sandbox, token, "hi", in_reply_to_id="123").status_code == 404
    long_text = _post(sandbox, token, "a" * 501)
    assert long_text.status_code == 422 and "500" in long_text.json()["error"]
    url_text = "https://example.org/" + "x" * 600 + " " + "a" * 470  # a URL counts 23
    assert _post(sandbox, token, url_text).status_code == 200


def test_a_threads_shaped_account_counts_emoji_as_bytes_and_mixes_media(sandbox):
    created = sandbox._admin("POST", "accounts", {"username": "brand_threads",
                                                  "shape": "threads"})
    token = created["access_token"]
    shape = created["account"]["sandbox_shape"]
    assert (shape["key"], shape["max_characters"], shape["max_media_attachments"],
            shape["counting"], shape["mixed_media"]) == ("threads", 500, 20, "bytes_emoji", True)
    # 496 letters and a 4-byte emoji are 500 as Threads counts; one letter more is too long.
    assert _post(sandbox, token, "a" * 496 + "🎄").status_code == 200
    too_long = _post(sandbox, token, "a" * 497 + "🎄")
    assert too_long.status_code == 422 and "500" in too_long.json()["error"]


def test_notifications_page_with_link_headers(sandbox, token):
    account_id = requests.get(f"{sandbox.url}/api/v1/accounts/verify_credentials",
                              headers=_auth(token), timeout=10).json()["id"]
    ids = [sandbox.inject(account_id, "mention", text=str(n))["id"] for n in range(5)]
    newest = requests.get(f"{sandbox.url}/api/v1/notifications", params={"limit": 2},
                          headers=_auth(token), timeout=10)
    assert [n["id"] for n in newest.json()] == ids[:-3:-1]
    assert 'rel="next"' in newest.headers["Link"] and f"max_id={ids[3]}" in newest.headers["Link"]
    older = requests.get(f"{sandbox.url}/api/v1/notifications",
                         params={"max_id": ids[3], "limit": 2}, headers=_auth(token), timeout=10)
    assert [n["id"] for n in older.json()] == [ids[2], ids[1]]
    after = requests.get(f"{sandbox.url}/api/v1/notifications",
                         params={"min_id": ids[0], "limit": 2}, headers=_auth(token), timeout=10)
    assert [n["id"] for n in after.json()] == [ids[2], ids[1]]


def test_bad_knobs_are_refused_and_change_nothing(sandbox):
    before = sandbox.knobs()
    for bad in ({"error_rate": 2}, {"nonsense": 1}, {"latency_ms": "fast"}):
        answer = requests.post(f"{sandbox.url}/_sandbox/knobs", json=bad, timeout=10)
        assert answer.status_code == 400
    assert sandbox.knobs() == before


def test_scripted_faults_hit_only_their_route_and_count(sandbox, token):
    sandbox.faults({"route": ROUTE_STATUSES, "fault": "error", "status": 503, "times": 2})
    assert requests.get(f"{sandbox.url}/api/v1/accounts/verify_credentials",
                        headers=_auth(token), timeout=10).status_code == 200
    assert [_post(sandbox, token, f"t{n}").status_code for n in range(3)] == [503, 503, 200]
    assert sandbox.stats()["faults"][ROUTE_STATUSES] == {"error": 2}


def test_admin_secret_protects_the_knobs():
    server = SandboxServer(SandboxApp(Knobs(), admin_secret="letmein")).start()
    try:
        assert requests.get(f"{server.url}/_sandbox/stats", timeout=10).status_code == 403
        assert SandboxControl(server.url, secret="letmein").stats()["world"]["accounts"] == 0
    finally:
        server.stop()


def test_state_file_keeps_accounts_and_tokens_across_restarts(tmp_path):
    path = tmp_path / "sandbox.json"
    server = SandboxServer(SandboxApp(Knobs(), state_file=str(path))).start()
    token = SandboxControl(server.url).create_account("kept")["access_token"]
    server.stop()
    again = SandboxServer(SandboxApp(Knobs(), state_file=str(path))).start()
    try:
        me = requests.get(f"{again.url}/api/v1/accounts/verify_credentials",
                          headers=_auth(token), timeout=10)
        assert me.status_code == 200 and me.json()["username"] == "kept"
    finally:
        again.stop()


def test_python_m_entry_point_serves_with_env_knobs():
    with SandboxProcess(max_characters=280) as process:
        instance = requests.get(f"{process.url}/api/v1/instance", timeout=10).json()
        assert instance["configuration"]["statuses"]["max_characters"] == 280
