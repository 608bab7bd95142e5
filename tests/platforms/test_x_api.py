"""X API v2 behaviour beyond the conformance suite: OAuth, refresh, media, inbox, errors."""

from __future__ import annotations

import base64
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from platforms.base import MediaFile, PublishRequest
from platforms.errors import AuthExpired, Rejected
from platforms.x import XProvider
from tests.platforms import x_fake as fake
from tests.platforms.conformance import Harness

REDIRECT = "https://socialmgr.example/accounts/connect/x/callback/"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _x_app(monkeypatch):
    monkeypatch.setenv("X_CLIENT_ID", "x-client-id")
    monkeypatch.setenv("X_CLIENT_SECRET", "x-client-secret-value")


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def provider():
    p = XProvider()
    p.media_poll_interval = 0
    return p


def test_connect_uses_pkce_and_basic_auth(rsps, provider):
    start = provider.connect_start(redirect_uri=REDIRECT)
    query = parse_qs(urlsplit(start.redirect_url).query)
    assert start.redirect_url.startswith("https://x.com/i/oauth2/authorize?")
    assert query["scope"] == ["tweet.read tweet.write users.read offline.access media.write"]
    assert query["code_challenge_method"] == ["S256"] and query["state"] == [start.state["state"]]
    rsps.add(responses.POST, f"{fake.API}/2/oauth2/token", json=fake.fixture("token"))
    rsps.add(responses.GET, f"{fake.API}/2/users/me", json=fake.fixture("users_me"))
    result = provider.connect_complete(redirect_uri=REDIRECT, state=start.state,
                                       params={"code": "c0de", "state": start.state["state"]})
    token_call = rsps.calls[0].request
    expected = base64.b64encode(b"x-client-id:x-client-secret-value").decode()
    assert token_call.headers["Authorization"] == f"Basic {expected}"
    assert parse_qs(token_call.body)["code_verifier"] == [start.state["code_verifier"]]
    assert result.account.handle == "@acmecorp" and result.account.external_id == fake.USER_ID
    assert result.tokens.refresh_token == fake.fixture("token")["refresh_token"]
    assert result.tokens.expires_at is not None


def test_denied_callback_connects_nothing(rsps, provider):
    start = provider.connect_start(redirect_uri=REDIRECT)
    with pytest.raises(Rejected):
        provider.connect_complete(redirect_uri=REDIRECT, state=start.state,
                                  params={"error": "access_denied", "state": start.state["state"]})
    assert not rsps.calls


def test_missing_app_credentials_is_a_clear_rejection(monkeypatch, provider):
    monkeypatch.delenv("X_CLIENT_ID")
    with pytest.raises(Rejected) as info:
        provider.connect_start(redirect_uri=REDIRECT)
    assert "client ID" in info.value.reason
    assert provider.check_setup(redirect_uri=REDIRECT)[0].level == "error"


def test_refresh_stores_the_rotated_refresh_token(rsps, provider):
    account = fake.make_account()
    rsps.add(responses.POST, f"{fake.API}/2/oauth2/token",
             json=fake.fixture("token_refreshed"))
    tokens = provider.refresh(account)
    assert parse_qs(rsps.calls[0].request.body)["refresh_token"] == [fake.REFRESH]
    assert tokens.refresh_token == fake.fixture("token_refreshed")["refresh_token"]


def test_a_dead_refresh_token_means_reconnecting(rsps, provider):
    rsps.add(responses.POST, f"{fake.API}/2/oauth2/token", status=400,
             json=fake.fixture("error_token_invalid_request"))
    with pytest.raises(AuthExpired) as info:
        provider.refresh(fake.make_account())
    assert fake.REFRESH not in str(info.value)


def test_video_uses_chunked_upload_and_waits_for_processing(rsps, provider):
    data = b"\x00" * 1000
    import io

    video = MediaFile(filename="clip.mp4", content_type="video/mp4", size=len(data),
                      alt_text="A short clip", open=lambda: io.BytesIO(data))
    media_id = "1880028106020515841"
    rsps.add(responses.POST, f"{fake.API}/2/media/upload/initialize",
             json=fake.fixture("media_initialize"))
    rsps.add(responses.POST, f"{fake.API}/2/media/upload/{media_id}/append", status=204)
    rsps.add(responses.POST, f"{fake.API}/2/media/upload/{media_id}/finalize",
             json=fake.fixture("media_finalize_pending"))
    rsps.add(responses.GET, f"{fake.API}/2/media/upload",
             json=fake.fixture("media_status_in_progress"))
    rsps.add(responses.GET, f"{fake.API}/2/media/upload",
             json=fake.fixture("media_status_succeeded"))
    rsps.add(responses.POST, f"{fake.API}/2/media/metadata", json=fake.fixture("media_metadata"))
    rsps.add(responses.POST, f"{fake.API}/2/tweets", status=201,
             json=fake.fixture("tweet_created"))
    post = provider.publish(fake.make_account(), PublishRequest(text="Watch", media=[video]))
    assert post.url == "https://x.com/acmecorp/status/1445880548472328192"
    init = fake.sent_json(rsps.calls[0])
    assert init == {"media_type": "video/mp4", "total_bytes": 1000,
                    "media_category": "tweet_video"}
    assert fake.sent_json(rsps.calls[-1])["media"] == {"media_ids": [media_id]}
    assert "command=STATUS" in rsps.calls[3].request.url


def test_failed_video_processing_is_rejected(rsps, provider):
    import io

    video = MediaFile(filename="clip.mp4", content_type="video/mp4", size=3, alt_text="",
                      open=lambda: io.BytesIO(b"abc"))
    media_id = "1880028106020515841"
    rsps.add(responses.POST, f"{fake.API}/2/media/upload/initialize",
             json=fake.fixture("media_initialize"))
    rsps.add(responses.POST, f"{fake.API}/2/media/upload/{media_id}/append", status=204)
    rsps.add(responses.POST, f"{fake.API}/2/media/upload/{media_id}/finalize",
             json=fake.fixture("media_finalize_pending"))
    rsps.add(responses.GET, f"{fake.API}/2/media/upload", json=fake.fixture("media_status_failed"))
    with pytest.raises(Rejected) as info:
        provider.publish(fake.make_account(), PublishRequest(text="Watch", media=[video]))
    assert "Unsupported video format" in info.value.reason


def test_validate_uses_weighted_counting_and_single_gif_rule(provider):
    account = fake.make_account()
    url_text = "https://example.com/" + "a" * 300  # counts as 23
    assert provider.validate(account, url_text, []) == []
    assert "too_long" in {p.code for p in provider.validate(account, "世" * 141, [])}
    gif = MediaFile(filename="a.gif", content_type="image/gif", size=10, alt_text="x")
    problems = provider.validate(account, "hi", [gif, Harness().image()])
    assert "too_many_media" in {p.code for p in problems}


def test_inbox_pages_through_a_batch_then_resumes_from_the_newest(rsps, provider):
    url = f"{fake.API}/2/users/{fake.USER_ID}/mentions"
    rsps.add(responses.GET, url, json=fake.fixture("mentions"))
    account = fake.make_account()
    first = provider.fetch_inbox(account, "1445880000000000000")
    assert [e.remote_id for e in first.items] == ["1445880700000000001", "1445880900000000002"]
    reply = first.items[1]
    assert reply.kind == "reply" and reply.parent_remote_id == "1445880548472328192"
    assert reply.author_handle == "@jo_example" and "&amp;" not in reply.text
    assert first.cursor.startswith("1445880000000000000|7140dibdnow9c7btw3w29grvxfcgvpb9n9")
    rsps.replace(responses.GET, url, json=fake.fixture("mentions_page2"))
    second = provider.fetch_inbox(account, first.cursor)
    query = parse_qs(urlsplit(rsps.calls[1].request.url).query)
    assert query["pagination_token"] == ["7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i"]
    assert query["since_id"] == ["1445880000000000000"]
    assert second.cursor == "1445880900000000002"  # the batch's newest: next call starts there


def test_invalid_request_reason_names_the_problem(rsps, provider):
    rsps.add(responses.POST, f"{fake.API}/2/tweets", status=400,
             json=fake.fixture("error_invalid_request"))
    with pytest.raises(Rejected) as info:
        provider.publish(fake.make_account(), PublishRequest(text="x"))
    assert "280 characters or fewer" in info.value.reason


def test_post_metrics_include_impressions_and_skip_deleted(rsps, provider):
    rsps.add(responses.GET, f"{fake.API}/2/tweets", json=fake.fixture("tweets_lookup"))
    [metrics] = provider.fetch_post_metrics(fake.make_account(),
                                            ["1445880548472328192", "1445870000000000099"])
    assert metrics.values["impressions"].value == 10432
    assert metrics.values["bookmarks"].source_field == "public_metrics.bookmark_count"


def test_find_published_matches_text_despite_tco_links(rsps, provider):
    rsps.add(responses.GET, f"{fake.API}/2/users/{fake.USER_ID}/tweets",
             json=fake.fixture("user_tweets"))
    found = provider.find_published(fake.make_account(), PublishRequest(
        text="Our autumn sale starts today! https://acme.example/sale"))
    assert found and found.id == "1445880548472328192"


@pytest.mark.parametrize(("fixture", "status"), [
    ("error_unauthorized", 401),  # v2 problem+json
    ("error_89_invalid_token", 401),  # v1.1 (media): code 89
    ("error_89_invalid_token", 400),  # code 89 is a dead token whatever the status
])
def test_a_dead_token_is_auth_expired(rsps, provider, fixture, status):
    rsps.add(responses.POST, f"{fake.API}/2/tweets", status=status, json=fake.fixture(fixture))
    with pytest.raises(AuthExpired) as info:
        provider.publish(fake.make_account(), PublishRequest(text="x"))
    if fixture == "error_89_invalid_token":
        assert "Invalid or expired token." in info.value.message


def test_tokens_never_reach_logs(rsps, provider, caplog):
    rsps.add(responses.POST, f"{fake.API}/2/tweets", status=401,
             json=fake.fixture("error_unauthorized"))
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthExpired):
        provider.publish(fake.make_account(), PublishRequest(text="x"))
    assert fake.TOKEN not in caplog.text
