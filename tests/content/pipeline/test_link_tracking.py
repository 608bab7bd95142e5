"""The organisation's UTM setting reaches the platform: links go out tagged, per platform."""

import html

from content.models import Label, PostTarget


def _published_text(sandbox, brand, target) -> str:
    statuses = sandbox.statuses(brand.settings["account_id"], brand.get_access_token())
    (status,) = [s for s in statuses if s["id"] == target.remote_id]
    return html.unescape(status.get("text") or status["content"])


def test_links_are_published_with_utm_parameters_when_tracking_is_on(
        org, owner, make_scheduled, tick, sandbox, brand):
    from analytics.services.settings import analytics_settings_update

    analytics_settings_update(organization=org, actor=owner, utm_enabled=True,
                              monthly_report=False)
    post = make_scheduled("New beans: https://shop.example/beans?ref=x see you")
    post.labels.add(Label.objects.create(organization=org, name="Autumn blend"))
    target = PostTarget.objects.get(post=post)
    assert tick() == {target.pk: "published"}
    target.refresh_from_db()
    text = _published_text(sandbox, brand, target)
    assert "https://shop.example/beans?ref=x&utm_source=sandbox&utm_medium=social" in text
    assert "utm_campaign=Autumn+blend" in text


def test_links_are_left_alone_when_tracking_is_off(make_scheduled, tick, sandbox, brand):
    post = make_scheduled("New beans: https://shop.example/beans see you")
    target = PostTarget.objects.get(post=post)
    assert tick() == {target.pk: "published"}
    target.refresh_from_db()
    assert "utm_" not in _published_text(sandbox, brand, target)


def test_a_tracked_batch_reads_the_labels_once(org, owner, make_scheduled, sandbox, brand):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from analytics.services.settings import analytics_settings_update
    from content.pipeline.dispatcher import dispatch_due_targets
    from content.pipeline.worker import targets_publish

    analytics_settings_update(organization=org, actor=owner, utm_enabled=True,
                              monthly_report=False)
    label = Label.objects.create(organization=org, name="Autumn blend")
    for n in range(4):
        make_scheduled(f"Beans {n}: https://shop.example/{n}").labels.add(label)
    claims = dispatch_due_targets(enqueue=False)
    with CaptureQueriesContext(connection) as queries:
        assert set(targets_publish(claims).values()) == {"published"}
    label_queries = [q for q in queries.captured_queries if '"content_label"' in q["sql"]]
    assert len(label_queries) == 1
    for target in PostTarget.objects.filter(pk__in=[c.target_id for c in claims]):
        assert "utm_campaign=Autumn+blend" in _published_text(sandbox, brand, target)


def test_links_are_published_as_short_links_leading_to_the_tagged_url(
        org, owner, make_scheduled, tick, sandbox, brand, client):
    from django.conf import settings

    from analytics.models import ShortLink
    from analytics.services.settings import analytics_settings_update

    analytics_settings_update(organization=org, actor=owner, utm_enabled=True,
                              shorten_links=True, monthly_report=False)
    post = make_scheduled("New beans: https://shop.example/beans see you")
    target = PostTarget.objects.get(post=post)
    assert tick() == {target.pk: "published"}
    target.refresh_from_db()
    (link,) = ShortLink.objects.filter(target=target)
    assert link.url == "https://shop.example/beans?utm_source=sandbox&utm_medium=social"
    text = _published_text(sandbox, brand, target)
    assert f"{settings.SITE_URL}/l/{link.code}" in text and "shop.example" not in text
    response = client.get(f"/l/{link.code}", HTTP_USER_AGENT="Mozilla/5.0 (X11) Firefox/133.0")
    assert response["Location"] == link.url
