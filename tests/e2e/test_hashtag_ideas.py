"""Journey: the composer suggests a hashtag that worked before, with its evidence, and a
click puts it into the text."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.analytics.helpers import measure, published
from tests.e2e.test_compose_approve import sign_in
from tests.factories import ConnectedAccountFactory, MembershipFactory, OrganizationFactory


@pytest.mark.django_db(transaction=True)
def test_a_suggested_hashtag_goes_into_the_text(page, live_server):
    org = OrganizationFactory(name="Acme", slug="acme")
    editor = MembershipFactory(organization=org, role="editor").user
    account = ConnectedAccountFactory(organization=org, display_name="Acme Café",
                                      provider="sandbox")
    for text, likes in (("Morning #ColdBrew", 40), ("Evening #coldbrew", 60), ("plain", 1)):
        measure(published(account, timezone.now() - dt.timedelta(hours=5), text=text),
                likes=likes)
    sign_in(page, editor)
    page.goto("/o/acme/compose/")
    page.get_by_label(re.compile("Acme Café")).check()
    page.get_by_label("Text for all accounts").fill("Our autumn blend is here")
    page.get_by_role("button", name="Suggest hashtags").click()
    idea = page.get_by_role("button", name="#coldbrew")
    idea.wait_for()
    assert "in 2 posts, 50 engagements on average" in page.locator(
        "[data-testid=hashtag-ideas]").inner_text()
    idea.click()
    assert page.get_by_label("Text for all accounts").input_value() == (
        "Our autumn blend is here #coldbrew")
    assert idea.is_disabled()
