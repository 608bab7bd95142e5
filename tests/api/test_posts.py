import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.roles import Role
from content.models import Label, Post
from content.services.posts import PostData, post_create
from content.workflows import PostState, TargetState
from tests.factories import MembershipFactory

URL = "/api/v1/posts/"


def _future(days=2):
    return (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0)


def _post(org, account, text="Hello from the API", role=Role.EDITOR):
    author = MembershipFactory(organization=org, role=role).user
    return post_create(organization=org, actor=author,
                       data=PostData(text=text, account_ids=[account.pk]))


def test_editor_token_creates_a_draft_through_the_content_service(org, account, api,
                                                                    issue_token):
    client = api(issue_token(org, Role.EDITOR))
    label = Label.objects.create(organization=org, name="Campaign")
    response = client.post(URL, {"text": "Spring sale!", "title": "Spring",
                                 "targets": [{"account": account.pk, "text": "Override"}],
                                 "labels": [label.pk]}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["version"] == 1
    assert body["labels"] == [{"id": label.pk, "name": "Campaign", "colour": label.colour}]
    assert body["targets"][0]["account"] == account.pk
    assert body["targets"][0]["effective_text"] == "Override"
    post = Post.objects.get(pk=body["id"])
    assert post.organization == org and post.text == "Spring sale!"
    assert AuditEntry.objects.filter(verb="content.post.created", target_id=str(post.pk)).exists()


def test_invalid_payload_answers_400_with_field_errors(org, account, api, issue_token):
    client = api(issue_token(org, Role.EDITOR))
    response = client.post(URL, {"text": 5, "targets": [{"account": "x"}],
                                 "scheduled_at": "soon", "timezone": "Mars/Base"},
                           format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["detail"]
    errors = body["errors"]
    assert errors["targets.0.account"][0]["code"] == "invalid"
    assert errors["scheduled_at"][0]["code"] == "invalid"
    assert errors["timezone"][0]["code"] == "invalid_choice"
    assert set(errors["targets.0.account"][0]) == {"code", "message"}
    assert all(isinstance(v, list) for v in errors.values())
    assert not Post.objects.exists()


def test_missing_targets_is_a_required_field_error(org, api, issue_token):
    client = api(issue_token(org, Role.EDITOR))
    response = client.post(URL, {"text": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["targets"] == [
        {"code": "required", "message": "This field is required."}]
    empty = client.post(URL, {"text": "x", "targets": []}, format="json")
    assert empty.json()["errors"]["targets"][0]["code"] == "empty"


def test_service_refusal_is_422_with_the_translated_message(org, account, api, issue_token):
    client = api(issue_token(org, Role.EDITOR))
    response = client.post(URL, {"text": "   ", "targets": [{"account": account.pk}]},
                           format="json", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 422
    assert response.json()["code"] == "empty"


def test_account_of_another_org_cannot_be_posted_to(org, other_account, api, issue_token):
    response = api(issue_token(org, Role.EDITOR)).post(
        URL, {"text": "x", "targets": [{"account": other_account.pk}]}, format="json")
    assert response.status_code == 422
    assert response.json()["code"] == "account"
    assert not Post.objects.exists()


def test_viewer_token_reads_but_cannot_write(org, account, api, issue_token):
    post = _post(org, account)
    client = api(issue_token(org, Role.VIEWER))
    assert client.get(URL).status_code == 200
    assert client.get(f"{URL}{post.pk}/").json()["id"] == post.pk
    response = client.post(URL, {"text": "x", "targets": [{"account": account.pk}]},
                           format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert client.post(f"{URL}{post.pk}/submit/").status_code == 403
    assert Post.objects.count() == 1


def test_token_role_is_capped_by_the_creators_current_role(org, account, api, issue_token):
    """An approver token whose admin was demoted to viewer can only read."""
    client = api(issue_token(org, Role.APPROVER, user_role=Role.VIEWER))
    response = client.post(URL, {"text": "x", "targets": [{"account": account.pk}]},
                           format="json")
    assert response.status_code == 403


def test_update_with_current_version_saves_and_bumps_version(org, account, api, issue_token):
    post = _post(org, account)
    client = api(issue_token(org, Role.EDITOR))
    response = client.patch(f"{URL}{post.pk}/", {"version": post.version, "text": "New"},
                            format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["text"] == "New"
    assert response.json()["version"] == post.version + 1
    assert response.json()["targets"][0]["account"] == account.pk  # unchanged


def test_update_with_stale_version_is_a_409_conflict(org, account, api, issue_token):
    post = _post(org, account)
    client = api(issue_token(org, Role.EDITOR))
    client.patch(f"{URL}{post.pk}/", {"version": 1, "text": "First"}, format="json")
    response = client.patch(f"{URL}{post.pk}/", {"version": 1, "text": "Second"},
                            format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    post.refresh_from_db()
    assert post.text == "First"


def test_update_requires_version(org, account, api, issue_token):
    post = _post(org, account)
    response = api(issue_token(org, Role.EDITOR)).patch(f"{URL}{post.pk}/", {"text": "x"},
                                                         format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["version"][0]["code"] == "required"


def test_approval_flow_submit_then_approve_schedules(org, account, api, issue_token):
    org.approval_required = True
    org.save()
    post = _post(org, account)
    post.scheduled_at = _future()
    post.save()
    editor = api(issue_token(org, Role.EDITOR))
    approver = api(issue_token(org, Role.APPROVER))
    # An editor cannot schedule an unapproved post where approval is required …
    refused = editor.post(f"{URL}{post.pk}/schedule/", {}, format="json")
    assert refused.status_code == 422 and refused.json()["code"] == "not_approved"
    # … submits it instead, and cannot approve it.
    submitted = editor.post(f"{URL}{post.pk}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "pending_approval"
    assert editor.post(f"{URL}{post.pk}/approve/", {}, format="json").status_code == 403
    approved = approver.post(f"{URL}{post.pk}/approve/", {"comment": "ok"}, format="json")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "scheduled"
    assert approved.json()["targets"][0]["status"] == TargetState.SCHEDULED


def test_request_changes_needs_a_comment(org, account, api, issue_token):
    org.approval_required = True
    org.save()
    post = _post(org, account)
    api(issue_token(org, Role.EDITOR)).post(f"{URL}{post.pk}/submit/")
    approver = api(issue_token(org, Role.APPROVER))
    missing = approver.post(f"{URL}{post.pk}/request-changes/", {}, format="json")
    assert missing.status_code == 400
    assert missing.json()["errors"]["comment"][0]["code"] == "required"
    done = approver.post(f"{URL}{post.pk}/request-changes/", {"comment": "Add a price"},
                         format="json")
    assert done.status_code == 200 and done.json()["status"] == "changes_requested"


def test_schedule_in_the_past_is_refused(org, account, api, issue_token):
    post = _post(org, account)
    response = api(issue_token(org, Role.APPROVER)).post(
        f"{URL}{post.pk}/schedule/", {"scheduled_at": "2001-01-01T00:00:00Z"}, format="json")
    assert response.status_code == 422 and response.json()["code"] == "past"


def test_schedule_then_cancel(org, account, api, issue_token):
    post = _post(org, account)
    client = api(issue_token(org, Role.APPROVER))
    when = _future()
    scheduled = client.post(f"{URL}{post.pk}/schedule/", {"scheduled_at": when.isoformat()},
                            format="json")
    assert scheduled.status_code == 200, scheduled.json()
    assert scheduled.json()["status"] == "scheduled"
    cancelled = client.post(f"{URL}{post.pk}/cancel/", {"reason": "postponed"}, format="json")
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["targets"][0]["status"] == "cancelled"
    again = client.post(f"{URL}{post.pk}/cancel/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "state"


def test_submitting_a_submitted_post_is_409(org, account, api, issue_token):
    post = _post(org, account)
    client = api(issue_token(org, Role.EDITOR))
    client.post(f"{URL}{post.pk}/submit/")
    response = client.post(f"{URL}{post.pk}/submit/")
    assert response.status_code == 409
    assert Post.objects.get(pk=post.pk).status == PostState.PENDING


def test_delete_a_draft(org, account, api, issue_token):
    post = _post(org, account)
    response = api(issue_token(org, Role.EDITOR)).delete(f"{URL}{post.pk}/")
    assert response.status_code == 204
    assert not Post.objects.filter(pk=post.pk).exists()


def test_list_filters_and_cursor_pagination(org, account, api, issue_token):
    posts = [_post(org, account, text=f"post {i}") for i in range(5)]
    label = Label.objects.create(organization=org, name="L")
    posts[0].labels.add(label)
    Post.objects.filter(pk=posts[1].pk).update(scheduled_at=_future(3))
    client = api(issue_token(org, Role.VIEWER))
    page1 = client.get(URL, {"limit": 2}).json()
    assert [p["id"] for p in page1["results"]] == [posts[4].pk, posts[3].pk]
    page2 = client.get(page1["next"]).json()
    assert [p["id"] for p in page2["results"]] == [posts[2].pk, posts[1].pk]
    page3 = client.get(page2["next"]).json()
    assert [p["id"] for p in page3["results"]] == [posts[0].pk] and page3["next"] is None
    assert [p["id"] for p in client.get(URL, {"label": label.pk}).json()["results"]] == [
        posts[0].pk]
    window = {"scheduled_from": _future(2).isoformat(), "scheduled_to": _future(4).isoformat()}
    assert [p["id"] for p in client.get(URL, window).json()["results"]] == [posts[1].pk]
    assert len(client.get(URL, {"status": "draft", "account": account.pk}).json()[
        "results"]) == 5
    assert client.get(URL, {"status": "cancelled"}).json()["results"] == []


@pytest.mark.parametrize("params,field", [
    ({"status": "nope"}, "status"), ({"account": "x"}, "account"),
    ({"scheduled_from": "yesterday"}, "scheduled_from"), ({"cursor": "garbage"}, "cursor"),
    ({"limit": "0"}, "limit"),
    ({"scheduled_from": "2026-02-01T00:00Z", "scheduled_to": "2026-01-01T00:00Z"},
     "scheduled_to"),
])
def test_bad_list_filters_are_400(org, api, issue_token, params, field):
    response = api(issue_token(org, Role.VIEWER)).get(URL, params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_targets_are_readable(org, account, api, issue_token):
    post = _post(org, account)
    target = post.targets.get()
    client = api(issue_token(org, Role.VIEWER))
    body = client.get(f"/api/v1/targets/{target.pk}/").json()
    assert body["post"] == post.pk and body["status"] == "pending"
    assert [t["id"] for t in client.get("/api/v1/targets/").json()["results"]] == [target.pk]


def test_a_second_publish_now_through_the_api_is_409_with_the_reason(org, account, api,
                                                                    issue_token):
    post = _post(org, account)
    client = api(issue_token(org, Role.OWNER))
    first = client.post(f"{URL}{post.pk}/schedule/", {"now": True}, format="json")
    assert first.status_code == 200, first.json()
    assert first.json()["phase"] == "queued" and "publish_now" not in first.json()["actions"]
    due = list(Post.objects.get(pk=post.pk).targets.values_list("status", "next_attempt_at"))
    second = client.post(f"{URL}{post.pk}/schedule/", {"now": True}, format="json")
    assert second.status_code == 409 and second.json()["code"] == "busy"
    assert "already queued" in second.json()["detail"]
    assert list(Post.objects.get(pk=post.pk).targets.values_list(
        "status", "next_attempt_at")) == due
