import pytest

from accounts.roles import Role
from tests.factories import MembershipFactory


@pytest.mark.django_db(transaction=True)
def test_a_member_signs_in_and_lands_on_their_organisation(signed_in_page, page):
    membership = MembershipFactory(role=Role.EDITOR, organization__name="Acme",
                                   organization__slug="acme")
    signed_in_page(membership.user)
    assert page.url.endswith("/o/acme/")
    nav = page.get_by_role("navigation", name="Main")
    for label in ("Calendar", "Inbox", "Analytics", "Settings"):
        assert nav.get_by_role("link", name=label).is_visible()
