"""A small, honest provider for a pretend platform at https://fake.example, for tests only.

It goes through the same HTTP helper as the real connectors, so the tests of the shared
machinery (connect views, token refresh, conformance suite) exercise real HTTP handling
against `responses` fakes. Register it with the `fake_provider` fixture.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

import pytest
import responses

from platforms import oauth2
from platforms.base import (
    AccountMetrics,
    ConnectResult,
    ConnectStart,
    InboxEntry,
    InboxPage,
    Limits,
    MetricValue,
    PostMetrics,
    Provider,
    PublishRequest,
    RemoteAccount,
    RemotePost,
    SetupCheck,
    SetupHelp,
    Tokens,
)
from platforms.errors import Rejected
from platforms.http import HttpClient, pick

BASE = "https://fake.example"
KEY = "fakesocial"


class FakeProvider(Provider):
    key = KEY
    name = "Fake Social"
    connect_kind = "oauth"
    supports_find_published = True
    supports_idempotency_key = True

    def __init__(self):
        self.http = HttpClient("Fake Social")

    def connect_start(self, *, redirect_uri, form_data=None, organization=None):
        state = oauth2.new_state()
        verifier, challenge = oauth2.pkce_pair()
        query = urlencode({"client_id": "fake-client", "redirect_uri": redirect_uri,
                           "state": state, "code_challenge": challenge,
                           "code_challenge_method": "S256", "response_type": "code"})
        return ConnectStart(f"{BASE}/oauth/authorize?{query}",
                            {"state": state, "code_verifier": verifier})

    def connect_complete(self, *, redirect_uri, state, params, organization=None):
        code = oauth2.check_callback(expected_state=state.get("state", ""), params=params,
                                     platform=self.name)
        data = self.http.json("POST", f"{BASE}/oauth/token", data={
            "code": code, "code_verifier": state.get("code_verifier", ""),
            "redirect_uri": redirect_uri, "grant_type": "authorization_code"})
        token = pick(data, "access_token", str, what="token answer")
        me = self.http.json("GET", f"{BASE}/api/me", token=token)
        return ConnectResult(
            account=RemoteAccount(str(pick(me, "id", (str, int))), pick(me, "handle"),
                                  me.get("name", ""), me.get("avatar", "")),
            tokens=_tokens(data),
        )

    def refresh(self, account):
        refresh_token = account.get_refresh_token()
        if not refresh_token:
            return None
        data = self.http.json("POST", f"{BASE}/oauth/token", data={
            "grant_type": "refresh_token", "refresh_token": refresh_token})
        return _tokens(data)

    def setup_help(self, *, redirect_uri):
        return SetupHelp(redirect_uri=redirect_uri, portal_url=f"{BASE}/developers",
                         scopes=("read", "write"), steps=("Create an app.",),
                         review=("No review needed.",),
                         env_vars=("FAKESOCIAL_CLIENT_ID", "FAKESOCIAL_CLIENT_SECRET"))

    def check_setup(self, *, redirect_uri, organization=None):
        data = self.http.json("GET", f"{BASE}/oauth/check", params={"redirect_uri": redirect_uri})
        if data.get("ok"):
            return [SetupCheck("ok", "The app accepts this redirect URI.")]
        return [SetupCheck("error", data.get("problem", "unknown"))]

    def limits(self, account):
        return Limits(max_chars=100, counting="graphemes", max_media=2,
                      alt_text_required=True)

    def publish(self, account, request: PublishRequest):
        token = account.get_access_token()
        media_ids = []
        for item in request.media:
            upload = self.http.json("POST", f"{BASE}/api/media", token=token,
                                    files={"file": (item.filename, item.open(),
                                                    item.content_type)},
                                    data={"alt": item.alt_text})
            media_ids.append(pick(upload, "id", str, what="media answer"))
        body = {"text": request.text, "media_ids": media_ids, "reply_to": request.reply_to}
        data = self.http.json("POST", f"{BASE}/api/posts", token=token, json=body,
                              headers={"Idempotency-Key": request.idempotency_key})
        return _post(data)

    def find_published(self, account, request):
        data = self.http.json("GET", f"{BASE}/api/posts", token=account.get_access_token(),
                              params={"idempotency_key": request.idempotency_key})
        items = pick(data, "items", list, what="post search")
        return _post(items[0]) if items else None

    def delete(self, account, remote_id):
        self.http.request("DELETE", f"{BASE}/api/posts/{remote_id}",
                          token=account.get_access_token())

    def fetch_inbox(self, account, cursor=""):
        data = self.http.json("GET", f"{BASE}/api/notifications",
                              token=account.get_access_token(), params={"since": cursor})
        items = [InboxEntry(remote_id=str(pick(n, "id", (str, int))), kind=n["type"],
                            author_handle=pick(n, "author.handle"), author_name="",
                            text=pick(n, "text"), url=pick(n, "url"),
                            created_at=dt.datetime.fromisoformat(pick(n, "created_at")))
                 for n in pick(data, "items", list)]
        return InboxPage(items, cursor=str(data.get("next", "")))

    def reply(self, account, entry_remote_id, text, *, idempotency_key=""):
        return self.publish(account, PublishRequest(text=text, reply_to=entry_remote_id,
                                                    idempotency_key=idempotency_key))

    def fetch_account_metrics(self, account):
        data = self.http.json("GET", f"{BASE}/api/me", token=account.get_access_token())
        return AccountMetrics(dt.datetime.now(dt.UTC), {
            "followers": MetricValue(pick(data, "followers_count", int), "followers_count")})

    def fetch_post_metrics(self, account, remote_ids):
        out = []
        for remote_id in remote_ids:
            data = self.http.json("GET", f"{BASE}/api/posts/{remote_id}",
                                  token=account.get_access_token())
            out.append(PostMetrics(remote_id, dt.datetime.now(dt.UTC), {
                "likes": MetricValue(pick(data, "like_count", int), "like_count")}))
        return out


def _tokens(data) -> Tokens:
    expires_in = data.get("expires_in")
    expires_at = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=int(expires_in))
                  if expires_in else None)
    return Tokens(access_token=pick(data, "access_token", str, what="token answer"),
                  refresh_token=data.get("refresh_token") or "", expires_at=expires_at)


def _post(data) -> RemotePost:
    if not isinstance(data, dict):
        raise Rejected("Fake Social: unexpected post answer")
    return RemotePost(str(pick(data, "id", (str, int), what="post answer")),
                      pick(data, "url", str, what="post answer"))


@pytest.fixture
def fake_provider(monkeypatch):
    """Register FakeProvider in the registry for one test."""
    from platforms import registry

    monkeypatch.setitem(registry.PROVIDERS, KEY,
                        "tests.platforms.fakeplatform.FakeProvider")
    registry._provider_class.cache_clear()
    yield FakeProvider
    registry._provider_class.cache_clear()


def add_token_endpoint(rsps: responses.RequestsMock, *, access="fresh-access-token",
                       refresh="fresh-refresh-token", expires_in=7200, status=200):
    body = {"access_token": access, "token_type": "bearer", "expires_in": expires_in}
    if refresh:
        body["refresh_token"] = refresh
    if status != 200:
        body = {"error": "invalid_grant", "error_description": "The refresh token is invalid"}
    rsps.add(responses.POST, f"{BASE}/oauth/token", body=json.dumps(body), status=status,
             content_type="application/json")


def add_me(rsps: responses.RequestsMock, *, user_id="42", handle="@brand@fake.example"):
    rsps.add(responses.GET, f"{BASE}/api/me", json={"id": user_id, "handle": handle,
                                                    "name": "Brand", "followers_count": 7})
