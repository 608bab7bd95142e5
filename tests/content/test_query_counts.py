"""The composer and the review queue use a constant number of queries, whatever the data size."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from content.services.media import media_upload
from content.services.posts import PostData, post_create
from content.services.workflow import post_submit
from tests.factories import ConnectedAccountFactory

pytestmark = pytest.mark.django_db


def _image(org, actor, n):
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (n % 255, 0, 0)).save(buf, format="PNG")
    return media_upload(organization=org, actor=actor,
                        upload=SimpleUploadedFile(f"i{n}.png", buf.getvalue()))


def _fill(org, editor, accounts, n_posts, start=0):
    for i in range(start, start + n_posts):
        asset = _image(org, editor, i)
        post = post_create(organization=org, actor=editor, data=PostData(
            text=f"Post {i}", account_ids=[a.pk for a in accounts], media=[(asset.pk, "alt")]))
        post_submit(post=post, actor=editor)


def _count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_review_queue_queries_do_not_grow_with_posts(org, sandbox, member_of, login,
                                                     django_assert_max_num_queries):
    editor = member_of("editor")
    accounts = [ConnectedAccountFactory(organization=org) for _ in range(3)]
    client = login(member_of("approver"))
    _fill(org, editor, accounts, 2)
    small = {tab: _count(client, f"/o/acme/approvals/?tab={tab}") for tab in ("mine", "all")}
    _fill(org, editor, accounts, 12, start=2)
    for tab in ("mine", "all"):
        with django_assert_max_num_queries(small[tab]):
            response = client.get(f"/o/acme/approvals/?tab={tab}")
        assert response.content.decode().count('class="card post-card"') == 14


def test_composer_queries_do_not_grow_with_accounts_and_media(org, sandbox, member_of, login,
                                                              django_assert_max_num_queries):
    editor = member_of("editor")
    accounts = [ConnectedAccountFactory(organization=org) for _ in range(2)]
    client = login(editor)
    _fill(org, editor, accounts, 1)
    post_id = org.posts.get().pk
    small_new = _count(client, "/o/acme/compose/")
    small_edit = _count(client, f"/o/acme/posts/{post_id}/edit/")
    accounts += [ConnectedAccountFactory(organization=org) for _ in range(8)]
    for i in range(10):
        _image(org, editor, 100 + i)
    with django_assert_max_num_queries(small_new):
        client.get("/o/acme/compose/")
    with django_assert_max_num_queries(small_edit):
        client.get(f"/o/acme/posts/{post_id}/edit/")
