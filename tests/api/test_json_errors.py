"""Every /api/ address answers errors as JSON, also where no API view matches; input the
schema refuses is refused with the documented 400 shape."""

import pytest

from accounts.roles import Role
from content.models import Post


def _is_json_error(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] and body["detail"]
    return body


@pytest.mark.parametrize("path", [
    "/api/v1/posts/%C2%84/",  # not a number: no API route matches
    "/api/v1/posts/1/nonsense/",
    "/api/v1/nothing-here/",
    "/api/v2/posts/",
    "/api/",
])
@pytest.mark.parametrize("method", ["get", "post", "delete", "patch"])
def test_unknown_api_addresses_answer_json_404(client, db, path, method):
    body = _is_json_error(getattr(client, method)(path), 404)
    assert body["code"] == "not_found"


def test_a_read_without_the_slash_is_still_redirected(client, db):
    response = client.get("/api/v1/posts?limit=5")
    assert response.status_code == 301 and response["Location"] == "/api/v1/posts/?limit=5"
    _is_json_error(client.post("/api/v1/posts"), 404)  # a redirect would lose the body


def test_other_pages_keep_the_html_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_method_auth_and_role_errors_are_json(org, api, issue_token):
    _is_json_error(api().get("/api/v1/posts/"), 401)
    owner = api(issue_token(org, Role.OWNER))
    _is_json_error(owner.put("/api/v1/posts/", {}, format="json"), 405)
    viewer = api(issue_token(org, Role.VIEWER))
    _is_json_error(viewer.post("/api/v1/posts/", {"targets": [{"account": 1}]},
                               format="json"), 403)


def test_a_body_that_is_not_json_gets_the_400_shape(org, api, issue_token):
    response = api(issue_token(org, Role.EDITOR)).generic(
        "POST", "/api/v1/posts/", "{nope", content_type="application/json")
    body = _is_json_error(response, 400)
    assert body["errors"]["non_field_errors"][0]["code"] == "parse_error"


def test_server_errors_under_api_are_json(rf):
    from api.views.errors import server_error

    response = server_error(rf.get("/api/v1/posts/"))
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert server_error(rf.get("/o/acme/"))["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("payload,field,code", [
    ({"text": "x" * 2_000_000}, "text", "max_length"),
    ({"text": "bad\x00byte"}, "text", "control_characters"),
    ({"text": "bell\x07"}, "text", "control_characters"),
    ({"notes": "esc\x1b[0m"}, "notes", "control_characters"),
    ({"text": "ok", "targets_text": 0}, "targets.0.text", "invalid"),
    ({"text": "ok", "link_url": "ftp://example.com/file"}, "link_url", "invalid"),
    ({"text": "ok", "timezone": "Mars/Base"}, "timezone", "invalid_choice"),
])
def test_bad_post_input_is_refused_with_a_reason_and_nothing_saved(org, account, api,
                                                                  issue_token, payload,
                                                                  field, code):
    target = {"account": account.pk}
    if "targets_text" in payload:
        target["text"] = payload.pop("targets_text")
    response = api(issue_token(org, Role.EDITOR)).post(
        "/api/v1/posts/", {**payload, "targets": [target]}, format="json")
    body = _is_json_error(response, 400)
    assert body["errors"][field][0]["code"] == code, body
    assert not Post.objects.exists()


def test_tabs_and_line_breaks_are_fine_and_titles_lose_control_characters(
        org, account, api, issue_token):
    response = api(issue_token(org, Role.EDITOR)).post("/api/v1/posts/", {
        "title": "Spring\x07 sale", "text": "Line one\r\n\tLine two",
        "targets": [{"account": account.pk}]}, format="json")
    assert response.status_code == 201, response.json()
    post = Post.objects.get()
    assert post.title == "Spring sale" and post.text == "Line one\r\n\tLine two"


def test_the_schema_states_bounds_and_enums(client, db):
    schema = client.get("/api/v1/schema/?format=json").json()
    limit = next(p for p in schema["paths"]["/api/v1/posts/"]["get"]["parameters"]
                 if p["name"] == "limit")
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 200)
    components = schema["components"]["schemas"]
    write = components["PostWriteRequest"]["properties"]
    assert write["text"]["maxLength"] == 65_000 and write["text"]["pattern"]
    assert "Europe/Berlin" in components["TimezoneEnum"]["enum"]
    assert components["PostWriteRequest"]["properties"]["targets"]["minItems"] == 1
    assert components["PatchedPostUpdateRequest"]["required"] == ["version"]


def test_a_text_field_sent_twice_in_a_form_is_refused(org, api, issue_token):
    response = api(issue_token(org, Role.EDITOR)).post(
        "/api/v1/media/", {"tags": ["a", "b"], "alt_text": "x"}, format="multipart")
    body = _is_json_error(response, 400)
    assert body["errors"]["tags"][0]["code"] == "invalid"
