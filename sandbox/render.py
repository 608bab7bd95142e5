"""The JSON the API answers with, shaped like Mastodon's entities."""

from __future__ import annotations

import datetime as dt
import html

from sandbox import activity, chatter, shapes
from sandbox.state import State

URL_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#[]@!$&'()*+,;=%"


def iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def content_html(text: str) -> str:
    """Escaped text as paragraphs with links, as Mastodon renders `content`."""
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n")]
    out = []
    for paragraph in paragraphs:
        lines = [_linkify(line) for line in paragraph.split("\n")]
        out.append("<p>" + "<br />".join(lines) + "</p>")
    return "".join(out)


def _linkify(line: str) -> str:
    words = []
    for word in line.split(" "):
        if word.startswith(("http://", "https://")) and all(c in URL_CHARS for c in word):
            safe = html.escape(word, quote=True)
            words.append(f'<a href="{safe}" rel="nofollow noopener noreferrer" '
                         f'target="_blank">{safe}</a>')
        else:
            words.append(html.escape(word, quote=False))
    return " ".join(words)


def account_json(state: State, account: dict, base_url: str) -> dict:
    now = state.now()
    seed = state.knobs.seed
    local = not account.get("remote")
    statuses = account.get("statuses_count", 0)
    picture = f"{base_url}/avatars/{account['id']}.{'png' if local else 'svg'}"
    data = {
        "id": account["id"],
        "username": account["username"],
        "acct": account["acct"],
        "display_name": account["display_name"],
        "locked": False,
        "bot": False,
        "created_at": iso(account["created_at"]),
        "note": "<p>" + html.escape(account.get("note", "")) + "</p>",
        "url": account_url(account, base_url),
        "avatar": picture,
        "avatar_static": picture,
        "header": "",
        "followers_count": activity.followers(seed, account["id"], account["created_at"], now)
        if local else activity.digest(seed, account["id"]) % 900,
        "following_count": activity.following(seed, account["id"]),
        "statuses_count": statuses,
        "last_status_at": None,
        "fields": [],
        "emojis": [],
    }
    if local:  # not part of Mastodon's API: which network this account behaves like
        data["sandbox_shape"] = shapes.public(account.get("shape", ""))
    return data


def account_url(account: dict, base_url: str) -> str:
    if account.get("remote"):
        return f"https://{account['acct'].split('@', 1)[1]}/@{account['username']}"
    return f"{base_url}/@{account['username']}"


def media_json(media: dict, base_url: str) -> dict:
    url = f"{base_url}/media/{media['id']}"
    return {
        "id": media["id"],
        "type": media["type"],
        "url": url,
        "preview_url": url,
        "remote_url": None,
        "description": media["description"] or None,
        "blurhash": None,
        "meta": {"original": {"size": media["size"], "mime_type": media["content_type"]}},
    }


def status_json(state: State, status: dict, base_url: str) -> dict:
    world = state.world
    account = world["accounts"][status["account_id"]]
    now = state.now()
    numbers = activity.status_numbers(state.knobs.seed, status["id"], status["created_at"], now)
    in_reply_to = world["statuses"].get(status.get("in_reply_to_id") or "")
    return {
        "id": status["id"],
        "created_at": iso(status["created_at"]),
        "in_reply_to_id": status.get("in_reply_to_id"),
        "in_reply_to_account_id": in_reply_to["account_id"] if in_reply_to else None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": status.get("visibility", "public"),
        "language": "en",
        "uri": status_url(state, status, base_url),
        "url": status_url(state, status, base_url),
        "replies_count": status.get("replies_count", 0),
        "reblogs_count": numbers["reblogs"],
        "favourites_count": numbers["favourites"],
        # Not in Mastodon's API: the sandbox also reports reach, like platforms with insights.
        "impressions_count": numbers["impressions"],
        "content": content_html(status["text"]),
        "text": status["text"] if status.get("deleted_at") else None,
        "account": account_json(state, account, base_url),
        "media_attachments": [media_json(world["media"][m], base_url)
                              for m in status.get("media_ids", []) if m in world["media"]],
        "mentions": [],
        "tags": [{"name": t, "url": f"{base_url}/tags/{t}"}
                 for t in dict.fromkeys(chatter.tags_in(status["text"]))],
        "emojis": [],
        "card": None,
        "poll": None,
        "edited_at": None,
        # Sandbox extension: lets a client reconcile a lost answer without guessing.
        "idempotency_key": status.get("idempotency_key") or None,
    }


def status_url(state: State, status: dict, base_url: str) -> str:
    account = state.world["accounts"][status["account_id"]]
    return f"{account_url(account, base_url)}/{status['id']}"


def notification_json(state: State, note: dict, base_url: str) -> dict:
    world = state.world
    status = world["statuses"].get(note.get("status_id") or "")
    return {
        "id": note["id"],
        "type": note["type"],
        "created_at": iso(note["created_at"]),
        "account": account_json(state, world["accounts"][note["from_account_id"]], base_url),
        "status": status_json(state, status, base_url) if status else None,
    }
