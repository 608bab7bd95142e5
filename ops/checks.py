"""System checks for the outgoing-request allowances (lib.netguard).

Operators allow their own servers with environment variables, so the place to see what
is allowed is where operators look: `manage.py check --deploy` lists it (as GitLab's
admin area lists its outbound allow-list), the System status page shows it to admins, and
an entry that is neither a host name nor a network stops the start-up (a typo must not
silently allow nothing, or something else).
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def ssrf_allow_hosts_valid(app_configs=None, **kwargs):
    from lib.netguard import allowance

    invalid = allowance().invalid
    if not invalid:
        return []
    return [checks.Error(
        f"SSRF_ALLOW_HOSTS has entries that are neither a host name (or *.domain) nor an IP "
        f"address or CIDR network: {', '.join(invalid)}",
        hint="Use e.g. SSRF_ALLOW_HOSTS=mastodon.internal,*.corp.example,10.0.0.0/8",
        id="socialmgr.E020")]


@checks.register(checks.Tags.security, deploy=True)
def ssrf_allowances_listed(app_configs=None, **kwargs):
    from lib.netguard import allowance

    allowed = allowance()
    found = []
    if allowed.entries:
        found.append(checks.Warning(
            "Outgoing requests may reach these non-public hosts and networks "
            f"(SSRF_ALLOW_HOSTS): {', '.join(allowed.entries)}",
            hint="List only your organisation's own servers (Mastodon, PDS, webhook and "
                 "feed targets). Anyone who can connect an account or add a webhook or feed "
                 "can make this installation send requests there.",
            id="socialmgr.W020"))
    if allowed.loopback and not settings.DEBUG:
        found.append(checks.Warning(
            "SSRF_ALLOW_LOOPBACK is on: outgoing requests may reach 127.0.0.1 and ::1 (this "
            "machine's own services).",
            hint="It is the development switch. In production name the servers in "
                 "SSRF_ALLOW_HOSTS instead.",
            id="socialmgr.W021"))
    return found
