import pytest

from accounts.roles import Role
from inbox.models import SentimentCorrection
from tests.inbox.factories import InboxItemFactory

pytestmark = pytest.mark.django_db


def test_the_api_filters_and_corrects_sentiment(org, account, api, issue_token):
    client = api(issue_token(org, Role.EDITOR))
    bad = InboxItemFactory(organization=org, account=account, sentiment="negative",
                           sentiment_score=-0.6)
    InboxItemFactory(organization=org, account=account, sentiment="positive",
                     sentiment_score=0.6)
    listed = client.get("/api/v1/inbox/items/", {"sentiment": "negative"}).json()["results"]
    assert [i["id"] for i in listed] == [bad.pk]
    assert listed[0]["sentiment_score"] == -0.6 and listed[0]["sentiment_corrected"] is False
    response = client.post(f"/api/v1/inbox/items/{bad.pk}/sentiment/",
                           {"sentiment": "neutral"}, format="json")
    assert response.status_code == 200
    assert response.json()["sentiment"] == "neutral"
    assert response.json()["sentiment_corrected"] is True
    correction = SentimentCorrection.objects.get(item=bad)
    assert (correction.from_label, correction.to_label) == ("negative", "neutral")
    assert client.post(f"/api/v1/inbox/items/{bad.pk}/sentiment/", {"sentiment": "meh"},
                       format="json").status_code == 400


def test_a_viewer_token_cannot_correct_and_other_orgs_items_are_404(
        org, account, other_org, other_account, api, issue_token):
    viewer = api(issue_token(org, Role.VIEWER))
    ours = InboxItemFactory(organization=org, account=account)
    theirs = InboxItemFactory(organization=other_org, account=other_account)
    assert viewer.post(f"/api/v1/inbox/items/{ours.pk}/sentiment/", {"sentiment": "negative"},
                       format="json").status_code == 403
    editor = api(issue_token(org, Role.EDITOR))
    assert editor.post(f"/api/v1/inbox/items/{theirs.pk}/sentiment/",
                       {"sentiment": "negative"}, format="json").status_code == 404
