"""Link tracking at publish time: the organisation's UTM setting applied to a target's text.

`link_tracking` reads the setting once per organisation and batch (through analytics' cached
`utm_enabled`: one cache round trip per target was, measured, the largest part of preparing
a batch) and fetches the labels (the campaign) of the tracked posts in one query.
"""

from __future__ import annotations

from django.db.models import prefetch_related_objects

from content.models import PostTarget


def link_tracking(targets: list[PostTarget]) -> dict[int, bool]:
    """{organization id: tracks links} for the organisations of `targets`; the posts of
    those that track have their labels prefetched for `tracked_text`."""
    from analytics.utm import utm_enabled

    organizations = {t.post.organization_id: t.post.organization for t in targets}
    tracking = {pk: utm_enabled(org) for pk, org in organizations.items()}
    tracked = [t.post for t in targets if tracking[t.post.organization_id]]
    if tracked:
        prefetch_related_objects(tracked, "labels")
    return tracking


def tracked_text(target: PostTarget, *, utm_on: bool, text: str | None = None) -> str:
    """The text to publish (the target's own, or `text`: one part of its thread): with
    utm_source/medium/campaign on its links when the organisation tracks links (`utm_on`,
    from `link_tracking`)."""
    from analytics.utm import campaign_name, utm_text

    text = target.effective_text if text is None else text
    if not text or not utm_on:
        return text
    campaign = campaign_name(label.name for label in target.post.labels.all())
    return utm_text(text, source=target.account.provider, campaign=campaign)
