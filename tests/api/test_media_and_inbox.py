import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.roles import Role
from content.models import MediaAsset
from inbox.models import InboxReply, InboxSettings, ItemStatus
from tests.factories import MembershipFactory
from tests.inbox.factories import InboxItemFactory


def _png(size=(20, 10)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, "PNG")
    return buffer.getvalue()


def test_media_upload_goes_through_the_validation_service(org, api, issue_token):
    client = api(issue_token(org, Role.EDITOR))
    upload = SimpleUploadedFile("bike.png", _png(), "image/png")
    response = client.post("/api/v1/media/", {"file": upload, "alt_text": "A bike"},
                           format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "image" and (body["width"], body["height"]) == (20, 10)
    assert body["alt_text"] == "A bike" and body["url"].startswith("http://testserver/media/")
    asset = MediaAsset.objects.get(pk=body["id"])
    assert asset.organization == org
    assert client.get(f"/api/v1/media/{asset.pk}/").json()["id"] == asset.pk


def test_broken_image_is_refused_with_422(org, api, issue_token):
    client = api(issue_token(org, Role.EDITOR))
    data = _png()[:60]  # truncated
    response = client.post("/api/v1/media/", {"file": SimpleUploadedFile("x.png", data)},
                           format="multipart")
    assert response.status_code == 422
    assert response.json()["code"] == "media_invalid"
    assert not MediaAsset.objects.exists()


def test_media_upload_without_file_is_400_and_viewer_is_403(org, api, issue_token):
    response = api(issue_token(org, Role.EDITOR)).post("/api/v1/media/", {},
                                                        format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"]["file"][0]["code"] == "required"
    viewer = api(issue_token(org, Role.VIEWER))
    upload = SimpleUploadedFile("bike.png", _png(), "image/png")
    assert viewer.post("/api/v1/media/", {"file": upload}, format="multipart").status_code == 403


def test_inbox_list_filters_and_paginates(org, account, api, issue_token):
    items = [InboxItemFactory(organization=org, account=account) for _ in range(3)]
    InboxItemFactory(organization=org, account=account, status=ItemStatus.DONE)
    client = api(issue_token(org, Role.VIEWER))
    page = client.get("/api/v1/inbox/items/", {"limit": 2}).json()
    assert [i["id"] for i in page["results"]] == [items[2].pk, items[1].pk]
    rest = client.get(page["next"]).json()
    assert [i["id"] for i in rest["results"]] == [items[0].pk] and rest["next"] is None
    assert len(client.get("/api/v1/inbox/items/", {"status": "all"}).json()["results"]) == 4
    assert len(client.get("/api/v1/inbox/items/", {"status": "done"}).json()["results"]) == 1
    bad = client.get("/api/v1/inbox/items/", {"kind": "letter", "date_from": "x"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"kind", "date_from"}


def test_assign_done_and_reopen(org, account, api, issue_token):
    item = InboxItemFactory(organization=org, account=account)
    colleague = MembershipFactory(organization=org, role=Role.EDITOR).user
    client = api(issue_token(org, Role.EDITOR))
    assigned = client.post(f"/api/v1/inbox/items/{item.pk}/assign/",
                           {"assignee": colleague.pk}, format="json")
    assert assigned.status_code == 200 and assigned.json()["assignee"] == colleague.pk
    mine = client.get("/api/v1/inbox/items/", {"assignee": str(colleague.pk)}).json()
    assert [i["id"] for i in mine["results"]] == [item.pk]
    assert client.post(f"/api/v1/inbox/items/{item.pk}/done/").json()["status"] == "done"
    assert client.post(f"/api/v1/inbox/items/{item.pk}/reopen/").json()["status"] == "open"
    unassigned = client.post(f"/api/v1/inbox/items/{item.pk}/assign/", {"assignee": None},
                             format="json")
    assert unassigned.json()["assignee"] is None


def test_assigning_an_outsider_is_422(org, account, api, issue_token, outsider):
    item = InboxItemFactory(organization=org, account=account)
    response = api(issue_token(org, Role.EDITOR)).post(
        f"/api/v1/inbox/items/{item.pk}/assign/", {"assignee": outsider.pk}, format="json")
    assert response.status_code == 422  # a well-formed id, but no member: as for accounts
    assert response.json()["code"] == "assignee"
    item.refresh_from_db()
    assert item.assignee is None


def test_viewer_cannot_work_the_inbox(org, account, api, issue_token):
    item = InboxItemFactory(organization=org, account=account)
    client = api(issue_token(org, Role.VIEWER))
    assert client.post(f"/api/v1/inbox/items/{item.pk}/done/").status_code == 403
    assert client.post(f"/api/v1/inbox/items/{item.pk}/reply/", {"text": "hi"},
                       format="json").status_code == 403
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN


def test_reply_is_created_by_the_inbox_service(org, account, api, issue_token):
    item = InboxItemFactory(organization=org, account=account)
    client = api(issue_token(org, Role.EDITOR))
    response = client.post(f"/api/v1/inbox/items/{item.pk}/reply/", {"text": "Thanks!"},
                           format="json")
    assert response.status_code == 201, response.json()
    reply = InboxReply.objects.get(pk=response.json()["id"])
    assert reply.item == item and reply.text == "Thanks!" and reply.status == "sending"
    empty = client.post(f"/api/v1/inbox/items/{item.pk}/reply/", {"text": ""}, format="json")
    assert empty.status_code == 400


def test_editor_token_reply_waits_for_approval_where_required(org, account, api, issue_token):
    """The reply rule sees the token's capped role: an admin's editor token needs approval."""
    InboxSettings.objects.update_or_create(organization=org,
                                           defaults={"replies_require_approval": True})
    item = InboxItemFactory(organization=org, account=account)
    response = api(issue_token(org, Role.EDITOR)).post(
        f"/api/v1/inbox/items/{item.pk}/reply/", {"text": "Thanks!"}, format="json")
    assert response.json()["status"] == "pending_approval"


def test_member_limited_to_some_accounts_gets_404_for_other_accounts_items(org, account, api,
                                                                           issue_token):
    from accounts.models import AccountAccess, Membership
    from tests.factories import ConnectedAccountFactory

    other = ConnectedAccountFactory(organization=org)
    visible = InboxItemFactory(organization=org, account=account)
    hidden = InboxItemFactory(organization=org, account=other)
    editor = MembershipFactory(organization=org, role=Role.ADMIN).user
    token = issue_token(org, Role.EDITOR, user=editor)
    membership = Membership.objects.get(organization=org, user=editor)
    membership.role = Role.EDITOR
    membership.save()
    AccountAccess.objects.create(membership=membership, account=account)
    client = api(token)
    listed = client.get("/api/v1/inbox/items/").json()["results"]
    assert [i["id"] for i in listed] == [visible.pk]
    assert client.get(f"/api/v1/inbox/items/{hidden.pk}/").status_code == 404
    assert client.post(f"/api/v1/inbox/items/{hidden.pk}/done/").status_code == 404
