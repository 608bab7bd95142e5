import datetime as dt

import pytest
from django.utils import timezone

from content.services.posts import PostData, post_create
from tests.factories import ConnectedAccountFactory


@pytest.fixture
def accounts(org, sandbox):
    """Two sandbox accounts; the sandbox network runs, so limits and validate() are real."""
    return [ConnectedAccountFactory(organization=org), ConnectedAccountFactory(organization=org)]


@pytest.fixture
def future():
    return timezone.now() + dt.timedelta(days=2)


@pytest.fixture
def make_post(org, accounts, member_of):
    def make(author=None, text="Hello world 👋", **kw):
        author = author or member_of("editor")
        data = PostData(text=text, account_ids=kw.pop("account_ids", [a.pk for a in accounts]),
                        **kw)
        return post_create(organization=org, actor=author, data=data)

    return make
