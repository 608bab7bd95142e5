import pytest

from accounts.models import AuditEntry, Membership, Organization
from accounts.roles import Role


@pytest.mark.django_db
def test_creating_an_organisation_makes_the_creator_its_owner(login, user_factory):
    user = user_factory()
    client = login(user)
    response = client.post("/organizations/new/", {
        "name": "Acme Social", "slug": "acme-social", "timezone": "Europe/Berlin", "language": "de",
    })
    org = Organization.objects.get(slug="acme-social")
    assert response.status_code == 302
    assert response["Location"] == "/o/acme-social/"
    assert Membership.objects.get(organization=org, user=user).role == Role.OWNER
    assert AuditEntry.objects.filter(organization=org,
                                     verb="accounts.organization.created").exists()


@pytest.mark.django_db
def test_a_slug_clash_is_a_form_error_and_creates_nothing(login, user_factory, org):
    client = login(user_factory())
    response = client.post("/organizations/new/", {
        "name": "Another", "slug": org.slug, "timezone": "UTC", "language": "en",
    })
    assert response.status_code == 200
    assert "This address is already taken" in response.content.decode()
    assert Organization.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["Bad Slug", "-start", "new", "a" * 60, "ümlaut"])
def test_invalid_slugs_are_refused(login, user_factory, slug):
    client = login(user_factory())
    response = client.post("/organizations/new/", {
        "name": "X", "slug": slug, "timezone": "UTC", "language": "en"})
    assert response.status_code == 200
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_an_unknown_time_zone_is_a_form_error(login, user_factory):
    client = login(user_factory())
    response = client.post("/organizations/new/", {
        "name": "X", "slug": "x", "timezone": "Mars/Olympus", "language": "en"})
    assert response.status_code == 200
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_admins_change_settings_and_the_change_is_audited(org, member_of, login):
    client = login(member_of(Role.ADMIN))
    response = client.post("/o/acme/settings/", {
        "name": "Acme GmbH", "slug": "acme", "timezone": "Europe/Vienna", "language": "de",
        "approval_required": "on",
    })
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.name, org.timezone, org.language, org.approval_required) == (
        "Acme GmbH", "Europe/Vienna", "de", True)
    entry = AuditEntry.objects.get(verb="accounts.organization.settings_changed")
    assert entry.details["approval_required"] == [False, True]


@pytest.mark.django_db
def test_invalid_settings_change_nothing(org, owner, login, other_org):
    client = login(owner)
    response = client.post("/o/acme/settings/", {
        "name": "", "slug": other_org.slug, "timezone": "UTC", "language": "en"})
    assert response.status_code == 200
    org.refresh_from_db()
    assert org.name == "Acme" and org.slug == "acme"
    assert not AuditEntry.objects.filter(verb="accounts.organization.settings_changed").exists()


@pytest.mark.django_db
def test_editors_cannot_open_settings(org, member_of, login):
    client = login(member_of(Role.EDITOR))
    assert client.get("/o/acme/settings/").status_code == 403


@pytest.mark.django_db
def test_the_start_page_sends_people_to_their_organisation_or_to_create_one(
        login, owner, user_factory):
    assert login(owner).get("/")["Location"] == "/o/acme/"
    assert login(user_factory()).get("/")["Location"] == "/organizations/new/"


@pytest.mark.django_db
def test_the_org_switcher_lists_only_my_organisations(org, other_org, owner, login):
    html = login(owner).get("/o/acme/").content.decode()
    assert "/o/acme/" in html
    assert "/o/globex/" not in html


@pytest.mark.django_db
def test_the_dashboard_query_count_does_not_grow_with_members(org, owner, member_of, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(owner)
    client.get("/o/acme/")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/o/acme/").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for _ in range(10):
        member_of(Role.EDITOR)
    assert count() == before <= 22
