"""Link rules at publish time: the organisation's UTM rule and short links applied to a
target's text.

`link_tracking` reads the switches once per organisation and batch (through analytics'
cached `link_rules`: one cache round trip per target was, measured, the largest part of
preparing a batch) and fetches the labels (the campaign) of the tracked posts in one query.
"""

from __future__ import annotations

from django.db.models import prefetch_related_objects

from content.models import PostTarget


def link_tracking(targets: list[PostTarget]) -> dict:
    """{organization id: LinkRules} for the organisations of `targets`; the posts of those
    that add UTM parameters have their labels prefetched for `tracked_text`."""
    from analytics.utm import link_rules

    organizations = {t.post.organization_id: t.post.organization for t in targets}
    rules = {pk: link_rules(org) for pk, org in organizations.items()}
    tracked = [t.post for t in targets if rules[t.post.organization_id].utm]
    if tracked:
        prefetch_related_objects(tracked, "labels")
    return rules


def tracked_text(target: PostTarget, *, rules, text: str | None = None) -> str:
    """The text to publish (the target's own, or `text`: one part of its thread) with the
    organisation's link rules (`rules`, from `link_tracking`): utm_source/medium/campaign
    on its links, then each link replaced by the installation's own short link to it."""
    from analytics.services.links import shorten_text
    from analytics.utm import campaign_name, utm_text

    text = target.effective_text if text is None else text
    if not text or not rules:
        return text
    if rules.utm:
        campaign = campaign_name(label.name for label in target.post.labels.all())
        text = utm_text(text, source=target.account.provider, campaign=campaign)
    if rules.shorten:
        text = shorten_text(target, text)
    return text
