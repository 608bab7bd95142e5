"""Link tracking at publish time: the organisation's UTM setting applied to a target's text.

The setting is read once per organisation and batch (`utm_settings`, through analytics'
cached `utm_enabled`): one cache round trip per target was, measured, the largest part of
preparing a batch. The label query runs only where tracking is on.
"""

from __future__ import annotations

from content.models import PostTarget


def utm_settings(targets: list[PostTarget]) -> dict[int, bool]:
    """{organization id: tracks links} for the organisations of `targets`."""
    from analytics.utm import utm_enabled

    organizations = {t.post.organization_id: t.post.organization for t in targets}
    return {pk: utm_enabled(org) for pk, org in organizations.items()}


def tracked_text(target: PostTarget, *, utm_on: bool | None = None) -> str:
    """The text to publish: with utm_source/medium/campaign on its links when enabled
    (`utm_on`: the organisation's setting, when the caller read it already)."""
    from analytics.utm import campaign_for_labels, utm_enabled, utm_text

    text = target.effective_text
    organization = target.post.organization
    if utm_on is None:
        utm_on = utm_enabled(organization)
    if not text or not utm_on:
        return text
    campaign = campaign_for_labels(organization,
                                   list(target.post.labels.values_list("pk", flat=True)))
    return utm_text(text, source=target.account.provider, campaign=campaign)
