"""`{% reconnect_banner %}`: the shell's warning when accounts need reconnecting;
`|platform_label`: a platform key as people know it ("mastodon" → "Mastodon");
`|network_label`: an account's network as shown next to it ("Sandbox (like Bluesky)")."""

from django import template

register = template.Library()


@register.inclusion_tag("accounts/connected/_reconnect_banner.html", takes_context=True)
def reconnect_banner(context):
    membership = context.get("membership")
    if membership is None:
        return {"broken": []}
    from accounts.shell_cache import accounts_needing_reconnect

    return {"broken": accounts_needing_reconnect(membership),
            "organization": membership.organization,
            "can_manage": membership.can("channels.manage")}


@register.filter
def platform_label(key):
    from platforms.registry import provider_name

    return provider_name(key) if key else ""


@register.filter
def network_label(account):
    from platforms.registry import account_label

    return account_label(account) if account else ""
