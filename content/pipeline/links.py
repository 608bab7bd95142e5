"""Link tracking at publish time: the organisation's UTM setting applied to a target's text.

The setting is read through analytics' cached `utm_enabled`, so a batch of targets costs
no extra query where tracking is off; the label query runs only where it is on.
"""

from __future__ import annotations

from content.models import PostTarget


def tracked_text(target: PostTarget) -> str:
    """The text to publish: with utm_source/medium/campaign on its links when enabled."""
    from analytics.utm import apply_utm, campaign_for_labels, utm_enabled

    text = target.effective_text
    organization = target.post.organization
    if not text or not utm_enabled(organization):
        return text
    campaign = campaign_for_labels(organization,
                                   list(target.post.labels.values_list("pk", flat=True)))
    return apply_utm(text, organization=organization, provider_key=target.account.provider,
                     campaign=campaign)
