"""Public chatter: posts by people on the network that mention hashtags and brands.

Listening (hashtag timelines, keyword search) needs public posts that do not tag our
accounts. Like the activity in `activity.py`, they are derived from a hash of (seed, time
slot), written into the world lazily when a timeline or search is read, and then stay put.

Hashtag popularity changes over time so the trends view has something to show: one tag
rises over the last week, one fades, the rest stay flat.
"""

from __future__ import annotations

import re

from lib import demo_phrases as phrases
from sandbox import activity
from sandbox.state import State

SLOT_S = 60
CHATTER_ACCOUNT = "__chatter__"  # the key chatter is planned under (not a real account)
HASHTAG = re.compile(r"(?<![\w/#])#(\w+)")

# (tag, shape): "flat" keeps its share; "rising" grows over the last 7 days; "fading" shrinks.
TAGS = [
    ("coffee", "flat"),
    ("espresso", "flat"),
    ("acmecoffee", "flat"),
    ("coldbrew", "rising"),
    ("latteart", "fading"),
    ("fediverse", "flat"),
]


def tags_in(text: str) -> list[str]:
    """Lower-cased hashtags of a text, as Mastodon records them on a status."""
    return [t.lower() for t in HASHTAG.findall(text or "")]


def _weight(shape: str, age_days: float) -> float:
    if shape == "rising":  # rare until a week ago, then climbing to the most used tag
        return 0.2 if age_days > 7 else 0.2 + (7 - age_days) * 0.6
    if shape == "fading":
        return 2.5 if age_days > 10 else 0.3 + age_days * 0.2
    return 1.0


def pick_tag(seed: int, at: float, origin: float, salt: str) -> str:
    age_days = max(0.0, (origin - at) / 86400)
    weights = [(tag, _weight(shape, age_days)) for tag, shape in TAGS]
    roll = activity.unit(seed, at, salt) * sum(w for _, w in weights)
    for tag, weight in weights:
        if roll < weight:
            return tag
        roll -= weight
    return weights[-1][0]


def catch_up(state: State) -> None:
    """Write the public posts due up to the pretend now (callers hold `state.lock`)."""
    from sandbox import world

    knobs = state.knobs
    now = state.now()
    since = state.world.get("public_until")
    if since is None:
        since = now - knobs.public_backfill_days * 86400
        state.world["public_origin"] = now
    # Tag shapes are measured back from when the world first caught up (a fresh demo shows
    # #coldbrew rising over its last week; afterwards it stays at its peak).
    origin = state.world.get("public_origin") or now
    # After a long pause (a saved state file), only the backfill window is made up.
    since = max(since, now - knobs.public_backfill_days * 86400)
    if now - since < 1:
        return
    # Before the world first caught up (the backfill) at the backfill rate, then live.
    backfill_rate = (knobs.public_backfill_per_hour if knobs.public_backfill_per_hour >= 0
                     else knobs.public_per_hour)
    live_from = min(max(since, origin), now)
    if state.world.get("public_until") is not None:  # after a pause: only the latest of it
        since = live_from = max(live_from, now - knobs.max_catch_up_s)
    events = (activity.planned_events(knobs.seed, CHATTER_ACCOUNT, since, live_from,
                                      backfill_rate)
              + activity.planned_events(knobs.seed, CHATTER_ACCOUNT, live_from, now,
                                        knobs.public_per_hour))
    used = {_words_of(s["text"]) for s in public_statuses(state)}
    for at, _roll in events:
        username, domain, name = activity.PEOPLE[
            activity.digest(knobs.seed, at, "chatter-who") % len(activity.PEOPLE)]
        author = world.remote_account(state, username, domain, name)
        tag = pick_tag(knobs.seed, at, origin, "tag")
        tag2 = pick_tag(knobs.seed, at, origin, "tag2")
        text = _text(knobs.seed, at, tag, tag2, used)
        used.add(_words_of(text))
        world.create_status(state, account_id=author["id"], text=text, media_ids=[],
                            in_reply_to_id=None, at=at)
    state.world["public_until"] = now
    state.touch()


def _words_of(text: str) -> str:
    """A public post's sentence without its hashtags and the brand's name in front."""
    words = HASHTAG.sub("", text).strip().removeprefix("Acme Coffee, ")
    return words[:1].lower() + words[1:]


def _text(seed: int, at: float, tag: str, tag2: str, used: set[str] = frozenset()) -> str:
    """A public post: a varied sentence (sometimes naming the brand) with its hashtags,
    a sentence nobody on the network has posted yet where one can be found."""
    roll = activity.unit(seed, at, "chatter-shape")
    language = "de" if activity.unit(seed, at, "chatter-language") < 0.5 else "en"
    kind = "question" if roll < 0.4 else "praise" if roll < 0.8 else "complaint"
    for attempt in range(30):
        words = phrases.pick(activity.digest(seed, at, "chatter-words", attempt), kind,
                             language)
        if _words_of(words) not in used:
            break
    if activity.unit(seed, at, "chatter-brand") < 0.35:
        words = f"Acme Coffee, {words if words.startswith('I ') else words[0].lower() + words[1:]}"
    return f"{words} #{tag}" + (f" #{tag2}" if tag2 != tag else "")


def public_statuses(state: State) -> list[dict]:
    return [s for s in state.world["statuses"].values()
            if not s["deleted_at"] and s.get("visibility", "public") == "public"]


def with_tag(state: State, tag: str) -> list[dict]:
    tag = tag.lower()
    return [s for s in public_statuses(state) if tag in tags_in(s["text"])]


def matching(state: State, query: str) -> list[dict]:
    """Every word of the query (case-insensitive) appears in the text; "#tag" words as tags."""
    words = [w.lower() for w in query.split() if w.strip()]
    if not words:
        return []
    found = []
    for status in public_statuses(state):
        text = status["text"].lower()
        tags = tags_in(text)
        if all((w[1:] in tags) if w.startswith("#") else (w in text) for w in words):
            found.append(status)
    return found
