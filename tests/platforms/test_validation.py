from platforms.base import Limits, MediaFile
from platforms.validation import validate_against_limits


def image(name="a.png", size=1000, alt="A cat", content_type="image/png"):
    return MediaFile(filename=name, content_type=content_type, size=size, alt_text=alt)


def codes(problems):
    return [p.code for p in problems]


def test_text_within_limits_has_no_problems():
    assert validate_against_limits(Limits(max_chars=10, counting="graphemes"), "hello", []) == []


def test_over_limit_text_is_too_long_with_a_message_that_says_by_how_much():
    problems = validate_against_limits(Limits(max_chars=3, counting="graphemes"), "hello", [])
    assert codes(problems) == ["too_long"]
    assert "2 characters too long" in problems[0].message


def test_bluesky_style_byte_cap():
    limits = Limits(max_chars=300, counting="graphemes", max_bytes=10)
    assert codes(validate_against_limits(limits, "日本語日本", [])) == ["too_many_bytes"]


def test_empty_post_without_media_is_refused_but_media_only_is_fine():
    limits = Limits(max_chars=10, counting="graphemes")
    assert codes(validate_against_limits(limits, "  ", [])) == ["empty"]
    assert validate_against_limits(limits, "", [image()]) == []


def test_media_rules():
    limits = Limits(max_chars=100, counting="graphemes", max_media=1, max_image_bytes=500,
                    alt_text_required=True, alt_text_max=5)
    problems = validate_against_limits(limits, "x", [
        image("a.png", size=1000, alt=""),
        image("b.bmp", content_type="image/bmp", alt="far too long"),
    ])
    assert set(codes(problems)) == {"too_many_media", "media_too_large", "alt_missing",
                                    "media_type", "alt_too_long"}
    assert all(p.field == "media" for p in problems)


def test_video_and_mixed_media():
    video = MediaFile(filename="v.mp4", content_type="video/mp4", size=10, alt_text="")
    limits = Limits(max_chars=100, counting="graphemes")
    assert "video_not_allowed" in codes(validate_against_limits(limits, "x", [video]))
    allowed = Limits(max_chars=100, counting="graphemes", video_allowed=True,
                     media_types=("image/png", "video/mp4"))
    assert codes(validate_against_limits(allowed, "x", [video, image()])) == ["mixed_media"]


def test_links_not_allowed():
    limits = Limits(max_chars=500, counting="graphemes", links_allowed=False)
    problems = validate_against_limits(limits, "see https://example.com", [])
    assert codes(problems) == ["link_not_allowed"]
    assert problems[0].field == "link"
