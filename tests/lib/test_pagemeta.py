from lib.pagemeta import PageMeta, parse_page_meta


def test_open_graph_wins_over_twitter_and_title_and_images_resolve_against_the_page():
    html = """<html><head><title> Fallback </title>
      <meta name="twitter:title" content="Twitter title">
      <meta property="og:title" content="OG title">
      <meta property="og:title" content="second og:title is ignored">
      <meta name="description" content="Plain description">
      <meta property="og:image" content="/img/card.png">
      <meta property="og:site_name" content="Example"></head><body>…</body></html>"""
    assert parse_page_meta("https://example.org/a/b", html) == PageMeta(
        title="OG title", description="Plain description",
        image_url="https://example.org/img/card.png", site_name="Example")


def test_the_title_tag_is_the_fallback_and_non_http_images_are_dropped():
    html = ('<title>Only a title</title><meta property="og:image" content="javascript:alert(1)">'
            '<meta property="og:description" content="">')
    meta = parse_page_meta("https://example.org/", html)
    assert (meta.title, meta.image_url, meta.description) == ("Only a title", "", "")


def test_broken_html_gives_what_was_read():
    html = '<meta property="og:title" content="Kept"><a <<<'
    meta = parse_page_meta("https://example.org/", html)
    assert meta.title == "Kept"
