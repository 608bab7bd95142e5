"""What the SSRF guard lets through besides the public internet is visible to those who
run the installation: the System status page (admins) and `check --deploy`; a malformed
SSRF_ALLOW_HOSTS entry stops the start-up (issue 13, item 5)."""

from __future__ import annotations

import pytest
from django.core import checks

from accounts.roles import Role
from ops.checks import ssrf_allow_hosts_valid, ssrf_allowances_listed


@pytest.mark.django_db
def test_the_status_page_lists_the_allowed_servers_and_the_loopback_switch(
        org, member_of, login, settings):
    settings.SSRF_ALLOW_HOSTS = ["mastodon.internal", "*.corp.example", "10.0.0.0/8"]
    settings.SSRF_ALLOW_LOOPBACK = False
    html = login(member_of(Role.ADMIN)).get("/o/acme/settings/system/").content.decode()
    assert "Outgoing connections" in html
    for entry in ("mastodon.internal", "*.corp.example", "10.0.0.0/8"):
        assert f"<code>{entry}</code>" in html
    assert "SSRF_ALLOW_LOOPBACK is on" not in html
    settings.SSRF_ALLOW_HOSTS = []
    settings.SSRF_ALLOW_LOOPBACK = True
    html = login(member_of(Role.ADMIN)).get("/o/acme/settings/system/").content.decode()
    assert "None: only public addresses" in html and "SSRF_ALLOW_LOOPBACK is on" in html


def test_check_deploy_lists_the_allowances(settings):
    settings.DEBUG = False
    settings.SSRF_ALLOW_HOSTS = []
    settings.SSRF_ALLOW_LOOPBACK = False
    assert ssrf_allowances_listed() == []
    settings.SSRF_ALLOW_HOSTS = ["pds.internal", "192.168.0.0/16"]
    settings.SSRF_ALLOW_LOOPBACK = True
    found = {m.id: m for m in ssrf_allowances_listed()}
    assert set(found) == {"socialmgr.W020", "socialmgr.W021"}
    assert "pds.internal, 192.168.0.0/16" in found["socialmgr.W020"].msg
    assert all(m.level == checks.WARNING for m in found.values())


def test_a_malformed_entry_is_an_error(settings):
    settings.SSRF_ALLOW_HOSTS = ["mastodon.internal", "https://pds.example.org", "10.0.0.0/33"]
    [error] = ssrf_allow_hosts_valid()
    assert error.id == "socialmgr.E020" and error.level == checks.ERROR
    assert "https://pds.example.org" in error.msg and "10.0.0.0/33" in error.msg
    settings.SSRF_ALLOW_HOSTS = ["mastodon.internal"]
    assert ssrf_allow_hosts_valid() == []
