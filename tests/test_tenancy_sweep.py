import pytest

from accounts.roles import Role, role_allows
from tests.tenancy import org_routes

ROUTES = org_routes()


def test_the_sweep_finds_the_organisation_routes():
    names = {r.name for r in ROUTES}
    assert {"dashboard", "members", "calendar", "inbox", "analytics"} <= names


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_every_org_view_is_guarded_by_org_view(route):
    assert route.perm, f"{route.route} is not wrapped by accounts.tenancy.org_view"


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_a_member_of_another_organisation_gets_404(route, org, owner, outsider, client):
    client.force_login(outsider)
    url = route.url(org.slug)
    # 405 for GET on a POST-only view is the same for every slug, so it reveals nothing.
    assert client.get(url).status_code in (404, 405)
    assert client.post(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_an_anonymous_visitor_is_sent_to_sign_in(route, org, client):
    response = client.get(route.url(org.slug))
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_a_role_without_the_permission_is_refused(route, org, member_of, client):
    weaker = [r for r in Role if not role_allows(r, route.perm)]
    if not weaker:
        pytest.skip("every role may open this view")
    client.force_login(member_of(weaker[-1]))
    url = route.url(org.slug)
    assert client.get(url).status_code in (403, 404, 405)
    assert client.post(url).status_code in (403, 404, 405)
