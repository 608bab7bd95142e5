"""Life on the network: replies, mentions, likes and followers that arrive over time.

Everything is derived from a hash of (seed, account, time slot), so the same
account at the same pretend time always sees the same activity, whoever asks and
however often. Activity is written into the world lazily ("caught up") when an
account's notifications, statuses or metrics are read, then it stays put.
"""

from __future__ import annotations

import hashlib
import math

from lib import demo_phrases as phrases

SLOT_S = 60  # one possible event per account per minute
MAX_CATCH_UP_S = 7 * 86400

PEOPLE = phrases.PEOPLE  # plausible people; hostile strings belong in tests, not here
REPLIES = [
    "Great post, thanks for sharing!",
    "Interesting – do you have a source for this?",
    "When will this be available in Germany?",
    "I tried this yesterday and it did not work for me. Any help?",
    "Love it 😍",
    "Could you share more details about pricing?",
    "This is exactly what we needed & more.",
    "Hmm, I'm not convinced. Why not do it the other way round?",
    "Nice! See also https://example.org/related-article",
]
MENTIONS = [
    "Has anyone tried the new product from {handle}?",
    "Shout-out to {handle} for the quick support today!",
    "{handle} my order has not arrived yet, can you check?",
    "Reading the latest from {handle} – worth a look.",
    "{handle} are you hiring? 👀",
    "Is {handle} open on Sunday?",
]


def digest(*parts: object) -> int:
    raw = "|".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "big")


def unit(*parts: object) -> float:
    """A deterministic number in [0, 1)."""
    return digest(*parts) / 2**64


def planned_events(seed: int, account_id: str, start: float, end: float,
                   per_hour: float) -> list[tuple[float, float]]:
    """(time, roll) of each event in [start, end): at most one per slot, `per_hour` on average."""
    probability = min(1.0, per_hour * SLOT_S / 3600)
    if probability <= 0 or end <= start:
        return []
    events = []
    first, last = int(start // SLOT_S), int(end // SLOT_S)
    for slot in range(first, last + 1):
        if unit(seed, account_id, slot, "event") >= probability:
            continue
        at = slot * SLOT_S + unit(seed, account_id, slot, "offset") * SLOT_S
        if start <= at < end:
            events.append((at, unit(seed, account_id, slot, "kind")))
    return events


def choose_kind(roll: float, has_statuses: bool) -> str:
    if not has_statuses:
        return "mention" if roll < 0.55 else "follow"
    for kind, share in (("reply", 0.35), ("mention", 0.15), ("favourite", 0.25),
                        ("reblog", 0.10), ("follow", 0.15)):
        if roll < share:
            return kind
        roll -= share
    return "follow"


def person(seed: int, account_id: str, at: float) -> tuple[str, str, str]:
    return PEOPLE[digest(seed, account_id, at, "who") % len(PEOPLE)]


def sentence(options: list[str], *parts: object) -> str:
    return options[digest(*parts) % len(options)]


# --- numbers that move ---------------------------------------------------------------

def followers(seed: int, account_id: str, created_at: float, now: float) -> int:
    """A base audience, slow growth, and a daily wobble that can go down as well as up."""
    base = 200 + digest(seed, account_id, "base") % 4800
    days = max(0.0, (now - created_at) / 86400)
    growth = (1 + digest(seed, account_id, "growth") % 40) * days
    hour = int(now // 3600)
    wobble = (unit(seed, account_id, hour, "wobble") - 0.5) * (5 + base * 0.004)
    return max(0, int(base + growth + wobble))


def following(seed: int, account_id: str) -> int:
    return 50 + digest(seed, account_id, "following") % 450


def status_numbers(seed: int, status_id: str, created_at: float, now: float) -> dict[str, int]:
    """Engagement that grows fast at first and then levels off, as real posts do."""
    age_h = max(0.0, (now - created_at) / 3600)
    reach = 300 + digest(seed, status_id, "reach") % 5000
    curve = 1 - math.exp(-age_h / 6)
    impressions = int(reach * curve)
    like_rate = 0.01 + unit(seed, status_id, "likes") * 0.06
    return {
        "impressions": impressions,
        "favourites": int(impressions * like_rate),
        "reblogs": int(impressions * like_rate * 0.2),
    }


def remark(seed: int, account_id: str, at: float) -> str:
    """What someone says to an account at a time: a question, praise or a complaint, in
    English or German, built from varied parts (rarely the same sentence twice)."""
    roll = unit(seed, account_id, at, "remark")
    kind = "question" if roll < 0.45 else "praise" if roll < 0.8 else "complaint"
    language = "de" if unit(seed, account_id, at, "language") < 0.5 else "en"
    return phrases.pick(digest(seed, account_id, at, "words"), kind, language)
