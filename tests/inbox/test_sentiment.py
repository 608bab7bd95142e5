import pytest
from django.core.management import call_command
from django.urls import reverse

from inbox.models import InboxItem, SentimentCorrection
from inbox.selectors import ItemFilters, item_page
from inbox.services import inbox_ingest_entries
from inbox.services.sentiment import (
    item_language,
    sentiment_backfill,
    sentiment_correct,
    sentiment_score_items,
)
from tests.factories import ConnectedAccountFactory
from tests.inbox.factories import InboxItemFactory, entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(org):
    return ConnectedAccountFactory(organization=org)


def test_new_items_and_listening_hits_are_scored_after_ingestion(
        account, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inbox_ingest_entries(account, [
            entry("1", "Love this, best coffee ever!"),
            entry("2", "Paket kam beschädigt an, total enttäuscht."),
            entry("3", "What are your opening hours?"),
        ])
        inbox_ingest_entries(account, [entry("4", "Mega lecker 😍")], kind="listening")
    got = {i.remote_id: i for i in InboxItem.objects.filter(account=account)}
    assert got["1"].sentiment == "positive" and got["1"].sentiment_score > 0.05
    assert got["2"].sentiment == "negative" and got["2"].sentiment_score < -0.05
    assert got["3"].sentiment == "neutral"
    assert got["4"].kind == "listening" and got["4"].sentiment == "positive"


def test_the_platforms_language_is_used_when_it_reports_one():
    assert item_language({"lang": "de"}) == "de"
    assert item_language({"language": "en"}) == "en"
    assert item_language({"record": {"langs": ["de"]}}) == "de"
    assert item_language({}) is None


def test_a_correction_is_kept_and_never_overwritten(account, owner,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inbox_ingest_entries(account, [entry("1", "Great job, really 🙄")])
    item = InboxItem.objects.get(remote_id="1")
    before = item.sentiment_score
    sentiment_correct(item=item, label="negative", actor=owner)
    correction = SentimentCorrection.objects.get(item=item)
    assert correction.corrected_by == owner and correction.to_label == "negative"
    assert correction.from_label == "positive" and correction.from_score == before
    # A re-poll with an edit, a backfill and a rescore all leave the person's label.
    with django_capture_on_commit_callbacks(execute=True):
        inbox_ingest_entries(account, [entry("1", "Great job, really")])
    assert sentiment_score_items([item.pk]) == 0
    assert sentiment_backfill(rescore=True) == 0
    call_command("sentiment_backfill", "--rescore")
    item.refresh_from_db()
    assert item.sentiment == "negative" and item.sentiment_corrected
    assert item.sentiment_score == -1.0


def test_backfill_scores_unscored_items_only(org, account):
    old = InboxItemFactory(organization=org, account=account, text="Terrible service")
    scored = InboxItemFactory(organization=org, account=account, text="Terrible service",
                              sentiment="positive", sentiment_score=0.5)
    call_command("sentiment_backfill", "--organization", org.slug)
    old.refresh_from_db()
    scored.refresh_from_db()
    assert old.sentiment == "negative" and old.sentiment_score < 0
    assert scored.sentiment == "positive"  # already scored, no --rescore


def _item(org, account, score, label):
    return InboxItemFactory(organization=org, account=account, sentiment=label,
                            sentiment_score=score)


def test_filter_and_sort_by_sentiment_with_keyset_pages(org, account):
    items = [_item(org, account, s, lbl) for s, lbl in [
        (-0.9, "negative"), (0.3, "positive"), (0.0, "neutral"), (-0.2, "negative"),
        (0.0, "neutral"), (0.8, "positive")]]
    unscored = InboxItemFactory(organization=org, account=account)
    negatives = item_page(org, ItemFilters(sentiment="negative")).items
    assert {i.pk for i in negatives} == {items[0].pk, items[3].pk}
    assert [i.pk for i in item_page(org, ItemFilters(sentiment="none")).items] == [unscored.pk]
    for sort, expected in [
        ("negative", [items[0], items[3], items[4], items[2], items[1], items[5], unscored]),
        ("positive", [items[5], items[1], items[4], items[2], items[3], items[0], unscored]),
    ]:
        seen, after = [], ""
        while True:
            page = item_page(org, ItemFilters(sort=sort), after=after, limit=2)
            seen += [i.pk for i in page.items]
            if not page.next_cursor:
                break
            after = page.next_cursor
        assert seen == [i.pk for i in expected], sort


def test_the_inbox_page_filters_and_sorts_by_sentiment(login, owner, org, account):
    InboxItemFactory(organization=org, account=account, text="angry words",
                     sentiment="negative", sentiment_score=-0.7)
    InboxItemFactory(organization=org, account=account, text="happy words",
                     sentiment="positive", sentiment_score=0.7)
    client = login(owner)
    base = reverse("inbox", kwargs={"org_slug": org.slug})
    body = client.get(base, {"sentiment": "negative"}).content.decode()
    assert "angry words" in body and "happy words" not in body
    body = client.get(base, {"sort": "positive"}).content.decode()
    assert body.index("happy words") < body.index("angry words")
    assert 'name="sentiment"' in body and 'name="sort"' in body


def test_a_person_corrects_the_label_in_the_conversation(login, owner, org, account):
    from accounts.models import AuditEntry

    item = InboxItemFactory(organization=org, account=account, text="Great job, really 🙄",
                            sentiment="positive", sentiment_score=0.4)
    client = login(owner)
    url = reverse("inbox_item_sentiment", kwargs={"org_slug": org.slug, "pk": item.pk})
    page = client.get(reverse("inbox_item", kwargs={"org_slug": org.slug, "pk": item.pk}))
    assert url in page.content.decode()
    response = client.post(url, {"sentiment": "negative"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "corrected by" in body and 'data-sentiment="negative"' in body
    item.refresh_from_db()
    assert item.sentiment == "negative" and item.sentiment_corrected
    entry_ = AuditEntry.objects.get(verb="inbox.item.sentiment_corrected")
    assert entry_.details == {"from": "positive", "to": "negative", "score": 0.4}
    assert client.post(url, {"sentiment": "furious"}).status_code == 400
    assert SentimentCorrection.objects.filter(item=item).count() == 1


def test_a_viewer_cannot_correct_and_another_org_gets_a_404(login, org, other_org, member_of,
                                                           owner):
    theirs = InboxItemFactory(organization=other_org,
                              account=ConnectedAccountFactory(organization=other_org))
    ours = InboxItemFactory(organization=org, account=ConnectedAccountFactory(organization=org))
    client = login(owner)
    assert client.post(reverse("inbox_item_sentiment", kwargs={
        "org_slug": org.slug, "pk": theirs.pk}), {"sentiment": "negative"}).status_code == 404
    viewer = login(member_of("viewer"))
    assert viewer.post(reverse("inbox_item_sentiment", kwargs={
        "org_slug": org.slug, "pk": ours.pk}), {"sentiment": "negative"}).status_code == 403
    assert not SentimentCorrection.objects.exists()
