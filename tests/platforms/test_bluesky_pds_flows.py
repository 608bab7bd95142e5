"""Bluesky flows against the real reference PDS: connect, facets, images, link cards,
idempotent retries, threads, deletion, session refresh, notifications and metrics."""

from __future__ import annotations

import http.server
import io
import threading

import pytest
import requests

from accounts.models import AccountStatus, AuditEntry, ConnectedAccount
from platforms.base import MediaFile, PublishRequest, Tokens
from platforms.bluesky import BlueskyProvider
from platforms.errors import AuthExpired, Rejected
from tests.platforms.conformance import png_bytes
from tests.platforms.test_bluesky_pds import _now, connect, expired_copy


@pytest.fixture
def acme(pds):
    return pds.shared_user("acme")


@pytest.fixture
def bob(pds):
    return pds.shared_user("bob")


@pytest.fixture
def account(pds, org, acme):
    return connect(pds, org, acme)


@pytest.fixture
def calls(monkeypatch) -> list[str]:
    """URLs of every request the provider sends (observed, still sent to the real servers)."""
    seen: list[str] = []
    original = requests.Session.request

    def spy(self, method, url, *args, **kwargs):
        seen.append(url)
        return original(self, method, url, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "request", spy)
    return seen


def image(name: str, alt: str, size=(40, 30)) -> MediaFile:
    data = png_bytes(*size)
    return MediaFile(filename=name, content_type="image/png", size=len(data), alt_text=alt,
                     width=size[0], height=size[1], open=lambda: io.BytesIO(data))


def slice_bytes(text: str, index: dict) -> str:
    return text.encode("utf-8")[index["byteStart"]:index["byteEnd"]].decode("utf-8")


# --- connecting ---------------------------------------------------------------------------

def test_connect_stores_did_pds_and_an_encrypted_session(pds, org, acme):
    account = connect(pds, org, acme)
    assert account.external_id == acme.did and account.handle == acme.handle
    assert account.settings["did"] == acme.did
    assert account.settings["pds_url"] == pds.url
    assert account.get_access_token().count(".") == 2 and account.has_refresh_token
    assert acme.app_password not in str(account.settings)
    stored = ConnectedAccount.objects.values_list("access_token_encrypted", flat=True).get(
        pk=account.pk)
    assert stored and account.get_access_token() not in stored
    assert account.token_expires_at is not None


def test_connect_form_wrong_app_password_shows_error_and_connects_nothing(
        pds, org, owner, login, acme):
    client = login(owner)
    response = client.post(f"/o/{org.slug}/settings/accounts/connect/bluesky/start/",
                           {"identifier": acme.handle, "password": "wrong-pass-word"})
    assert response.status_code == 400
    assert "did not accept this handle and app password" in response.content.decode()
    assert not ConnectedAccount.objects.for_org(org).exists()


def test_connect_form_unknown_handle_shows_error(pds, org, owner, login):
    client = login(owner)
    response = client.post(f"/o/{org.slug}/settings/accounts/connect/bluesky/start/",
                           {"identifier": "nobody-here.test", "password": "abcd-efgh-ijkl-mnop"})
    assert response.status_code == 400
    assert "could not be found" in response.content.decode()
    assert not ConnectedAccount.objects.for_org(org).exists()


def test_connect_form_connects_the_account(pds, org, owner, login, acme):
    client = login(owner)
    response = client.post(f"/o/{org.slug}/settings/accounts/connect/bluesky/start/",
                           {"identifier": f"@{acme.handle.upper()}",
                            "password": acme.app_password})
    assert response.status_code == 302
    account = ConnectedAccount.objects.for_org(org).get()
    assert (account.provider, account.external_id) == ("bluesky", acme.did)


# --- publishing ---------------------------------------------------------------------------

def test_facets_use_utf8_byte_offsets_after_emoji_and_umlauts(pds, account, bob):
    text = (f"Grüße 🎉👩‍👩‍👧 an @{bob.handle}! Mehr: https://example.com/äpfel?x=1 "
            "#Frühling 😀 #2026 @unknown-person.test")
    post = BlueskyProvider().publish(account, PublishRequest(text=text))
    record = pds.get_record(post.id)["value"]
    facets = {f["features"][0]["$type"].split("#")[1]: f for f in record["facets"]}
    assert set(facets) == {"mention", "link", "tag"}  # "#2026" and the unknown handle: none
    assert slice_bytes(text, facets["mention"]["index"]) == f"@{bob.handle}"
    assert facets["mention"]["features"][0]["did"] == bob.did
    assert slice_bytes(text, facets["link"]["index"]) == "https://example.com/äpfel?x=1"
    assert facets["link"]["features"][0]["uri"] == "https://example.com/äpfel?x=1"
    assert slice_bytes(text, facets["tag"]["index"]) == "#Frühling"
    assert facets["tag"]["features"][0]["tag"] == "Frühling"
    assert record["langs"] == [account.organization.language]
    assert post.url == f"https://bsky.app/profile/{account.handle}/post/{post.id.rsplit('/', 1)[1]}"


def test_images_carry_alt_text_and_aspect_ratio(pds, account):
    media = [image("a.png", "Erste Grafik: Umsatz ↑", (40, 30)), image("b.png", "", (10, 20))]
    post = BlueskyProvider().publish(account, PublishRequest(text="Zwei Bilder", media=media))
    embed = pds.get_record(post.id)["value"]["embed"]
    assert embed["$type"] == "app.bsky.embed.images"
    assert [i["alt"] for i in embed["images"]] == ["Erste Grafik: Umsatz ↑", ""]
    assert embed["images"][0]["aspectRatio"] == {"width": 40, "height": 30}
    assert embed["images"][0]["image"]["mimeType"] == "image/png"
    assert embed["images"][0]["image"]["size"] == len(png_bytes(40, 30))


def test_too_many_or_too_large_images_are_problems_not_uploads(pds, account):
    provider = BlueskyProvider()
    big = MediaFile(filename="big.jpg", content_type="image/jpeg", size=1_000_001, alt_text="x")
    codes = {p.code for p in provider.validate(account, "ok", [big])}
    assert codes == {"media_too_large"}
    five = [image(f"{n}.png", "x") for n in range(5)]
    assert "too_many_media" in {p.code for p in provider.validate(account, "ok", five)}
    with pytest.raises(Rejected):
        provider.publish(account, PublishRequest(text="ok", media=[big]))


def test_text_limit_is_300_graphemes_and_3000_bytes(account):
    provider = BlueskyProvider()
    assert provider.validate(account, "👩‍👩‍👧" * 300, []) == [] or \
        {p.code for p in provider.validate(account, "👩‍👩‍👧" * 300, [])} == {"too_many_bytes"}
    assert {p.code for p in provider.validate(account, "ä" * 301, [])} == {"too_long"}
    # 300 family emoji are 300 graphemes but 5,400 bytes
    assert "too_many_bytes" in {p.code for p in provider.validate(account, "👩‍👩‍👧" * 300, [])}


class _CardPage(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/thumb.png":
            body, kind = png_bytes(60, 30), "image/png"
        else:
            body = (b'<html><head><title>Fallback</title>'
                    b'<meta property="og:title" content="Fr\xc3\xbchjahrsangebot">'
                    b'<meta property="og:description" content="Alles neu">'
                    b'<meta property="og:image" content="/thumb.png"></head></html>')
            kind = "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def card_site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CardPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_link_card_reads_opengraph_and_uploads_the_thumbnail(pds, account, card_site):
    url = f"{card_site}/angebot"
    post = BlueskyProvider().publish(account, PublishRequest(text="Neu im Shop", link=url))
    external = pds.get_record(post.id)["value"]["embed"]["external"]
    assert external["uri"] == url
    assert external["title"] == "Frühjahrsangebot"
    assert external["description"] == "Alles neu"
    assert external["thumb"]["mimeType"] == "image/png"


def test_retry_with_the_same_key_never_creates_a_second_post(pds, account, acme):
    provider = BlueskyProvider()
    request = PublishRequest(text="Nur einmal", idempotency_key="target-77-attempt")
    first = provider.publish(account, request)
    second = provider.publish(account, request)
    assert first.id == second.id
    records = pds.xrpc("GET", "com.atproto.repo.listRecords", params={
        "repo": acme.did, "collection": "app.bsky.feed.post", "limit": 100})["records"]
    assert [r["uri"] for r in records].count(first.id) == 1
    assert sum(r["value"]["text"] == "Nur einmal" for r in records) == 1
    assert provider.find_published(account, request).id == first.id


def test_replies_reference_the_thread_root_and_the_parent(pds, account, bob):
    provider = BlueskyProvider()
    root = pds.post(bob, {"$type": "app.bsky.feed.post", "text": "Wurzel", "createdAt": _now()})
    first = provider.reply(account, root["uri"], "Antwort eins")
    second = provider.publish(account, PublishRequest(text="Antwort zwei", reply_to=first.id))
    reply = pds.get_record(second.id)["value"]["reply"]
    assert reply["root"] == {"uri": root["uri"], "cid": root["cid"]}
    assert reply["parent"] == {"uri": first.id, "cid": pds.get_record(first.id)["cid"]}


def test_delete_removes_the_post(pds, account):
    provider = BlueskyProvider()
    request = PublishRequest(text="Kurzlebig", idempotency_key="delete-me")
    post = provider.publish(account, request)
    provider.delete(account, post.id)
    assert provider.find_published(account, request) is None
    with pytest.raises(Rejected):
        provider.delete(account, "at://did:plc:someoneelse/app.bsky.feed.post/3kabc")


def test_deleting_an_already_deleted_post_counts_as_deleted(pds, account):
    """A retry after a lost answer: the reference PDS answers deleteRecord for a record that
    is gone with success, so the second delete is harmless."""
    provider = BlueskyProvider()
    post = provider.publish(account, PublishRequest(text="Zweimal weg", idempotency_key="twice"))
    provider.delete(account, post.id)
    provider.delete(account, post.id)
    assert provider.find_published(account, PublishRequest(
        text="Zweimal weg", idempotency_key="twice")) is None


def test_an_expired_session_is_refreshed_once_and_the_call_retried(pds, account, calls):
    old_refresh = account.get_refresh_token()
    account.set_tokens(Tokens(access_token=expired_copy(account.get_access_token()),
                              refresh_token=old_refresh))
    account.save()
    post = BlueskyProvider().publish(account, PublishRequest(text="Nach dem Refresh"))
    assert pds.get_record(post.id)["value"]["text"] == "Nach dem Refresh"
    urls = calls
    assert sum("refreshSession" in u for u in urls) == 1
    assert not any("createSession" in u for u in urls)  # never log in again
    assert sum("createRecord" in u for u in urls) == 2  # expired, then the retry
    account.refresh_from_db()
    assert account.get_refresh_token() != old_refresh  # the PDS rotates refresh tokens
    assert AuditEntry.objects.filter(verb="accounts.account.tokens_refreshed").exists()


def test_a_refused_refresh_token_is_auth_expired_and_needs_reconnect(pds, account):
    account.set_tokens(Tokens(access_token=expired_copy(account.get_access_token()),
                              refresh_token="eyJhbGciOiJIUzI1NiJ9.e30.invalid"))
    account.save()
    with pytest.raises(AuthExpired):
        BlueskyProvider().publish(account, PublishRequest(text="x"))
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_RECONNECT


# --- reading (AppView) ----------------------------------------------------------------------

@pytest.fixture
def appview(atproto_network):
    if not atproto_network.has_appview:
        pytest.skip("the test network runs without the AppView (no PostgreSQL)")


def test_inbox_has_mentions_replies_and_quotes_and_resumes_from_its_cursor(
        appview, pds, org, bob):
    me = pds.create_user("inbox")  # a fresh account: its notifications are only these
    account = connect(pds, org, me)
    provider = BlueskyProvider()
    mine = provider.publish(account, PublishRequest(text="Worum geht's?"))
    mine_cid = pds.get_record(mine.id)["cid"]
    ref = {"uri": mine.id, "cid": mine_cid}
    mention_text = f"Hallo @{me.handle}"
    pds.post(bob, {"$type": "app.bsky.feed.post", "text": mention_text, "createdAt": _now(),
                   "facets": [{"index": {"byteStart": 6, "byteEnd": len(mention_text)},
                               "features": [{"$type": "app.bsky.richtext.facet#mention",
                                             "did": me.did}]}]})
    reply = pds.post(bob, {"$type": "app.bsky.feed.post", "text": "Eine Antwort",
                           "createdAt": _now(), "reply": {"root": ref, "parent": ref}})
    pds.post(bob, {"$type": "app.bsky.feed.post", "text": "Zitat", "createdAt": _now(),
                   "embed": {"$type": "app.bsky.embed.record", "record": ref}})
    pds.xrpc("POST", "com.atproto.repo.createRecord", token=bob.access_jwt, json={
        "repo": bob.did, "collection": "app.bsky.feed.like",
        "record": {"$type": "app.bsky.feed.like", "subject": ref, "createdAt": _now()}})

    page = pds.wait_for(lambda: (p := provider.fetch_inbox(account)) and len(p.items) >= 3
                        and p)
    assert page, "the AppView did not deliver the notifications"
    assert sorted(e.kind for e in page.items) == ["mention", "quote", "reply"]  # no like
    by_kind = {e.kind: e for e in page.items}
    assert by_kind["reply"].remote_id == reply["uri"]
    assert by_kind["reply"].parent_remote_id == mine.id == by_kind["reply"].root_remote_id
    assert by_kind["mention"].author_handle == f"@{bob.handle}" and \
        by_kind["mention"].text == mention_text
    assert by_kind["reply"].url.startswith(f"https://bsky.app/profile/{bob.handle}/post/")
    assert [e.created_at for e in page.items] == sorted(e.created_at for e in page.items)

    assert provider.fetch_inbox(account, page.cursor).items == []
    later = pds.post(bob, {"$type": "app.bsky.feed.post", "text": "Noch was",
                           "createdAt": _now(), "reply": {"root": ref, "parent": ref}})
    newer = pds.wait_for(lambda: provider.fetch_inbox(account, page.cursor).items)
    assert [e.remote_id for e in newer] == [later["uri"]]

    answer = provider.reply(account, later["uri"], "Danke!")
    assert pds.get_record(answer.id)["value"]["reply"]["parent"]["uri"] == later["uri"]


def test_metrics_count_likes_and_followers_without_impressions(appview, pds, org, bob):
    me = pds.create_user("metrics")
    account = connect(pds, org, me)
    provider = BlueskyProvider()
    post = provider.publish(account, PublishRequest(text="Zähl mich"))
    ref = {"uri": post.id, "cid": pds.get_record(post.id)["cid"]}
    for collection, record in (("app.bsky.feed.like", {"subject": ref}),
                               ("app.bsky.graph.follow", {"subject": me.did})):
        pds.xrpc("POST", "com.atproto.repo.createRecord", token=bob.access_jwt, json={
            "repo": bob.did, "collection": collection,
            "record": {"$type": collection, "createdAt": _now(), **record}})

    def liked():
        found = provider.fetch_post_metrics(account, [post.id])
        return found if found and found[0].values.get("likes", None) and \
            found[0].values["likes"].value == 1 else None

    metrics = pds.wait_for(liked)
    assert metrics, "the AppView did not count the like"
    values = metrics[0].values
    assert values["likes"].source_field == "likeCount"
    assert values["replies"].value == 0 and "impressions" not in values
    profile = pds.wait_for(lambda: (m := provider.fetch_account_metrics(account))
                           .values.get("followers") and m.values["followers"].value == 1 and m)
    assert profile.values["posts"].value >= 1
    assert profile.values["followers"].source_field == "followersCount"
    assert "impressions" not in profile.values


def test_listening_search_finds_public_posts_through_the_appview(appview, pds, account, bob):
    import secrets

    word = f"kaltbrueh{secrets.token_hex(4)}"
    created = pds.post(bob, {"$type": "app.bsky.feed.post", "text": f"Bester {word} der Stadt",
                             "createdAt": _now()})
    provider = BlueskyProvider()
    page = pds.wait_for(lambda: (p := provider.search(account, word)).items and p)
    assert page and page.items, "the AppView search did not find the post"
    assert [e.remote_id for e in page.items] == [created["uri"]]
    assert page.items[0].author_handle == f"@{bob.handle}" and word in page.items[0].text
    assert page.cursor


# --- threads and first comments through the pipeline -----------------------------------------

@pytest.mark.django_db(transaction=True)  # the pipeline calls platforms from a thread pool
def test_a_thread_and_its_first_comment_carry_root_and_parent_refs_on_the_pds(
        pds, org, account, acme, member_of):
    import datetime as dt

    from django.utils import timezone

    from content.models import PostTarget, TargetPart
    from content.pipeline import parts_tick, publishing_tick
    from content.services.posts import PostData, post_create
    from content.services.workflow import post_publish_now

    post = post_create(organization=org, actor=member_of("editor"), data=PostData(
        text="Faden eins.\n---\nFaden zwei.\n---\nFaden drei.", account_ids=[account.pk],
        first_comments={account.pk: "Der erste Kommentar"}))
    post_publish_now(post=post, actor=member_of("approver"))
    target = PostTarget.objects.get(post=post)
    assert publishing_tick() == {target.pk: "published"}
    two, three, comment = TargetPart.objects.filter(target=target)
    # The chain goes out, but the worker dies before anything of it is recorded: part 2's
    # lease runs out (it is reconciled by its record key), parts 3 and the comment are sent
    # again with their keys (the PDS refuses the taken record key; the record is found).
    from content.pipeline.parts import claim_due, promote_ready, send_parts

    promote_ready()
    send_parts(claim_due())
    TargetPart.objects.filter(target=target).update(status="waiting", remote_id="")
    TargetPart.objects.filter(pk=two.pk).update(status="sending",
                                                lease_expires_at=timezone.now())
    results = parts_tick(now=timezone.now() + dt.timedelta(seconds=5))
    assert results == {two.pk: "sent", three.pk: "sent", comment.pk: "sent"}
    target.refresh_from_db()
    two, three, comment = TargetPart.objects.filter(target=target)
    root = {"uri": target.remote_id, "cid": pds.get_record(target.remote_id)["cid"]}
    assert pds.get_record(target.remote_id)["value"]["text"] == "Faden eins."
    for part, parent in ((two, target.remote_id), (three, two.remote_id),
                         (comment, target.remote_id)):
        value = pds.get_record(part.remote_id)["value"]
        assert value["text"] == part.text
        assert value["reply"]["root"] == root
        assert value["reply"]["parent"] == {"uri": parent, "cid": pds.get_record(parent)["cid"]}
    records = pds.xrpc("GET", "com.atproto.repo.listRecords", params={
        "repo": acme.did, "collection": "app.bsky.feed.post", "limit": 100})["records"]
    texts = [r["value"]["text"] for r in records]
    for text in ("Faden eins.", "Faden zwei.", "Faden drei.", "Der erste Kommentar"):
        assert texts.count(text) == 1  # part 2 was reconciled by its record key, not re-posted


def test_four_images_each_keep_their_alt_text_and_a_fifth_is_refused(pds, account):
    alts = ["Eins: Hafen", "Two: lighthouse", "Drei: Möwen", "Four: dusk"]
    media = [image(f"{n}.png", alt, (10 + n, 10)) for n, alt in enumerate(alts)]
    post = BlueskyProvider().publish(account, PublishRequest(text="Vier Bilder", media=media))
    embed = pds.get_record(post.id)["value"]["embed"]
    assert [i["alt"] for i in embed["images"]] == alts
    assert [i["aspectRatio"]["width"] for i in embed["images"]] == [10, 11, 12, 13]
    fifth = [*media, image("4.png", "Fünf")]
    problems = BlueskyProvider().validate(account, "x", fifth)
    assert [p.message for p in problems] == [
        "Bluesky takes at most 4 images or videos per post (5 attached)."]
    with pytest.raises(Rejected, match="Bluesky takes at most 4"):
        BlueskyProvider().publish(account, PublishRequest(text="Fünf", media=fifth))
