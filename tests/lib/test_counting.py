import pytest

from lib.counting import (
    count_bytes,
    count_bytes_emoji,
    count_graphemes,
    count_mastodon,
    count_x_weighted,
    find_urls,
    text_length,
)

FAMILY = "👨\u200d👩\u200d👧\u200d👦"  # one ZWJ sequence, 7 code points, 25 bytes
FLAG = "🇩🇪"
THUMB_TONE = "👍🏽"
KEYCAP = "1️⃣"


@pytest.mark.parametrize(("text", "expected"), [
    ("hello", 5), (FAMILY, 1), (FLAG, 1), (THUMB_TONE, 1), (KEYCAP, 1), ("日本語", 3),
    ("e\u0301", 1), ("a\u0308\u0301b", 2), ("", 0), ("नमस्ते", 3),
])
def test_graphemes_count_what_a_person_sees(text, expected):
    assert count_graphemes(text) == expected


def test_bytes_are_utf8_bytes():
    assert count_bytes("aé日") == 1 + 2 + 3
    assert count_bytes(FAMILY) == 25


@pytest.mark.parametrize(("text", "expected"), [
    ("hello", 5),
    ("日本語", 6),  # CJK weighs 2
    ("e\u0301", 1),  # NFC-normalised to é, weight 1
    (FAMILY, 2), (FLAG, 2), (THUMB_TONE, 2), (KEYCAP, 2),  # any emoji sequence counts 2
    ("\u2014", 1),  # em dash is in the 8208-8223 light range
    ("\u2026", 2),  # ellipsis (8230) is just outside it
    ("\u2032", 1),  # prime, in 8242-8247
    ("\u2030", 2),  # per mille sign is outside every light range
    ("Visit https://example.com/a/very/long/path?with=query now", 6 + 23 + 4),
    ("go to example.com", 6 + 23),
])
def test_x_weighted_length_follows_twitter_text_v3(text, expected):
    assert count_x_weighted(text) == expected


def test_x_limit_is_280_weighted_so_140_cjk_characters_fit():
    assert count_x_weighted("漢" * 140) == 280
    assert count_x_weighted("漢" * 141) == 282


def test_mastodon_counts_urls_as_reserved_and_remote_mentions_by_username():
    assert count_mastodon("hi @alice@mastodon.social and @bob") == len("hi @alice and @bob")
    text = "read https://example.com/" + "x" * 100
    assert count_mastodon(text, url_length=23) == 5 + 23
    assert count_mastodon(FAMILY) == 1


def test_threads_counts_emoji_as_bytes():
    assert count_bytes_emoji("hi " + FAMILY) == 3 + 25
    assert count_bytes_emoji("日本") == 2


def test_url_spans_leave_trailing_punctuation_out():
    text = "see https://en.wikipedia.org/wiki/Foo_(bar). Next"
    (start, end), = find_urls(text)
    assert text[start:end] == "https://en.wikipedia.org/wiki/Foo_(bar)"
    assert find_urls("an email me@example.com is not a link") == []


def test_text_length_dispatches_on_the_counting_rule():
    assert text_length(FAMILY, "graphemes") == 1
    assert text_length(FAMILY, "weighted") == 2
    assert text_length(FAMILY, "bytes") == 25
    assert text_length("https://example.com/" + "x" * 50, "chars", url_length=23) == 23
