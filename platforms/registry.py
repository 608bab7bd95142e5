"""Provider key -> implementation, imported lazily. The one list of platforms.

Each provider can be switched off with `<KEY>_ENABLED=false` (for example
`MASTODON_ENABLED=false`): its connect views then 404 and `get_provider` refuses.
"""

from functools import cache

from django.utils.module_loading import import_string

from lib.env import env_bool

PROVIDERS: dict[str, str] = {
    "sandbox": "platforms.sandbox.SandboxProvider",
    "mastodon": "platforms.mastodon.MastodonProvider",
    "bluesky": "platforms.bluesky.BlueskyProvider",
    "x": "platforms.x.XProvider",
    "linkedin": "platforms.linkedin.LinkedInProvider",
    "facebook": "platforms.meta.FacebookPageProvider",
    "instagram": "platforms.meta.InstagramProvider",
    "threads": "platforms.threads.ThreadsProvider",
}


class UnknownProvider(LookupError):
    pass


def is_enabled(key: str) -> bool:
    return key in PROVIDERS and env_bool(f"{key.upper()}_ENABLED", True)


def enabled_keys() -> list[str]:
    return [key for key in PROVIDERS if is_enabled(key)]


@cache
def _provider_class(key: str):
    return import_string(PROVIDERS[key])


def provider_class(key: str):
    """The implementation of `key` (its declared capabilities), without instantiating it;
    UnknownProvider when unknown or switched off."""
    if not is_enabled(key):
        raise UnknownProvider(key)
    return _provider_class(key)


def provider_name(key: str) -> str:
    """The platform's name as people know it ("Mastodon"); the key for an unknown one."""
    return _provider_class(key).name if key in PROVIDERS else key


def get_provider(key: str):
    """The provider instance for `key`; UnknownProvider when unknown or switched off."""
    if not is_enabled(key):
        raise UnknownProvider(key)
    return _provider_class(key)()


def provider_choices() -> list[tuple[str, str]]:
    return [(key, _provider_class(key).name) for key in PROVIDERS]


def account_label(account) -> str:
    """The network's name as shown next to one account: `platform_label`, so a sandbox
    account shaped like Bluesky reads "Sandbox (like Bluesky)". No queries; remembered on
    the instance, which lives for one request."""
    cached = getattr(account, "_network_label", None)
    if cached is None:
        key = account.provider
        cached = str(_provider_class(key)().platform_label(account)) if key in PROVIDERS else key
        account._network_label = cached
    return cached


def group_label(key: str, accounts) -> str:
    """The name of the group of `accounts` on `key` (a filter option groups by key): their
    shared label when they all have one, else the platform's name."""
    labels = {account_label(a) for a in accounts if a.provider == key}
    return labels.pop() if len(labels) == 1 else provider_name(key)
