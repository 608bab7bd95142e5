import datetime as dt

import factory
from django.utils import timezone

from inbox.models import InboxItem
from platforms.base import InboxEntry
from tests.factories import ConnectedAccountFactory, OrganizationFactory


class InboxItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InboxItem

    organization = factory.SubFactory(OrganizationFactory)
    account = factory.SubFactory(ConnectedAccountFactory,
                                 organization=factory.SelfAttribute("..organization"))
    kind = "comment"
    remote_id = factory.Sequence(lambda n: f"r{n}")
    author_handle = factory.Sequence(lambda n: f"@fan{n}")
    author_name = factory.Sequence(lambda n: f"Fan {n}")
    text = factory.Sequence(lambda n: f"Comment number {n}")
    url = factory.LazyAttribute(lambda o: f"https://sandbox.example/p/{o.remote_id}")
    created_at = factory.Sequence(lambda n: timezone.now() - dt.timedelta(minutes=10_000 - n))


def entry(remote_id: str, text: str = "hello", **kw) -> InboxEntry:
    defaults = dict(
        kind="comment", author_handle="@fan", author_name="A Fan",
        url=f"https://sandbox.example/p/{remote_id}",
        created_at=timezone.now() - dt.timedelta(minutes=5),
    )
    defaults.update(kw)
    return InboxEntry(remote_id=remote_id, text=text, **defaults)
