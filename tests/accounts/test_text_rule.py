"""Names people type in the account forms follow lib/text_input: control characters are
dropped (a name that is nothing else is missing), an over-long name is refused and
changes nothing."""

import pytest

from accounts.models import AuditEntry, Organization
from tests.factories import ConnectedAccountFactory

pytestmark = pytest.mark.django_db
TOO_LONG = "at most"  # Django's own max-length message, translated by Django


def test_a_new_organisations_name_loses_control_characters(login, user_factory):
    response = login(user_factory()).post("/organizations/new/", {
        "name": "Acme\x00 Social\x1b", "slug": "acme-social", "timezone": "UTC",
        "language": "en"})
    assert response.status_code == 302
    assert Organization.objects.get(slug="acme-social").name == "Acme Social"


@pytest.mark.parametrize("name", ["\x00\x07", "A" * 201])
def test_a_bad_new_organisation_name_creates_nothing(login, user_factory, name):
    response = login(user_factory()).post("/organizations/new/", {
        "name": name, "slug": "acme-social", "timezone": "UTC", "language": "en"})
    assert response.status_code == 200
    assert not Organization.objects.filter(slug="acme-social").exists()


def test_renaming_the_organisation_follows_the_rule(org, owner, login):
    client = login(owner)
    data = {"slug": "acme", "timezone": "UTC", "language": "en"}
    response = client.post("/o/acme/settings/", {**data, "name": "A" * 201})
    assert response.status_code == 200 and TOO_LONG in response.content.decode()
    org.refresh_from_db()
    assert org.name == "Acme"
    assert not AuditEntry.objects.filter(verb="accounts.organization.settings_changed").exists()
    renamed = client.post("/o/acme/settings/", {**data, "name": "Acme\x00\x7f GmbH"})
    assert renamed.status_code == 302
    org.refresh_from_db()
    assert org.name == "Acme GmbH"


def test_profile_names_follow_the_rule(owner, login):
    owner.first_name, owner.last_name = "Ann", "Lee"
    owner.save()
    client = login(owner)
    response = client.post("/preferences/", {"first_name": "B" * 151, "last_name": "Lee"})
    assert response.status_code == 200 and TOO_LONG in response.content.decode()
    owner.refresh_from_db()
    assert (owner.first_name, owner.last_name) == ("Ann", "Lee")
    client.post("/preferences/", {"first_name": "Anna\x00", "last_name": "\x1bLee\x08"})
    owner.refresh_from_db()
    assert (owner.first_name, owner.last_name) == ("Anna", "Lee")


def test_an_accounts_custom_name_follows_the_rule(org, owner, login):
    account = ConnectedAccountFactory(organization=org, label="Client A")
    client = login(owner)
    base = f"/o/acme/settings/accounts/{account.pk}/rename/"
    page = client.post(base, {"label": "C" * 101}, follow=True)
    assert "Use at most 100 characters." in page.content.decode()
    account.refresh_from_db()
    assert account.label == "Client A"
    client.post(base, {"label": "Client\x00 B"})
    account.refresh_from_db()
    assert account.label == "Client B"
