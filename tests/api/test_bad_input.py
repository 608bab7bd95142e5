"""Property-based: random text and bytes into the composer and into the API's post create.

Whatever comes in, the answer is never a 500, and either the whole post is saved with
exactly the text that was accepted, or nothing is written at all.
"""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.roles import Role
from content.models import Post, PostTarget, TargetPart
from lib.text_input import LIMITS, has_control_characters

# Any code point (control characters, NUL and lone surrogates included), sometimes long.
ANY_TEXT = st.one_of(
    st.text(st.characters(codec=None), max_size=300),
    st.text(st.characters(max_codepoint=0x7f), max_size=50).map(lambda s: s * 2000),
)
FEW = settings(max_examples=60, deadline=None, database=None,
               suppress_health_check=list(HealthCheck))


def _counts():
    return Post.objects.count(), PostTarget.objects.count(), TargetPart.objects.count()


def _acceptable(text: str, kind: str) -> bool:
    return not has_control_characters(text) and len(text) <= LIMITS[kind]


@pytest.mark.django_db
@FEW
@given(text=ANY_TEXT, override=ANY_TEXT, comment=ANY_TEXT, notes=ANY_TEXT, title=ANY_TEXT)
def test_the_composer_refuses_or_saves_whole(client, org, account, text, override, comment,
                                             notes, title):
    from tests.factories import MembershipFactory

    user = MembershipFactory(organization=org, role=Role.OWNER).user
    client.force_login(user)
    before = _counts()
    # A form post cannot carry lone surrogates: the browser sends UTF-8.
    clean = {k: v.encode("utf-8", "replace").decode() for k, v in {
        "text": text or "x", f"override_{account.pk}": override,
        f"first_comment_{account.pk}": comment, "notes": notes, "title": title}.items()}
    response = client.post(reverse("compose", kwargs={"org_slug": org.slug}),
                           {**clean, "accounts": [account.pk], "action": "draft"})
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 302:
        post = Post.objects.order_by("-pk").first()
        assert post.text == clean["text"].strip()
        assert _counts()[0] == before[0] + 1
        assert _acceptable(post.text, "post_text") and _acceptable(post.notes, "note")
        assert not has_control_characters(post.title)
    else:
        assert _counts() == before


@pytest.mark.django_db
@FEW
@given(text=ANY_TEXT, override=ANY_TEXT, notes=ANY_TEXT, alt=ANY_TEXT)
def test_the_api_refuses_or_saves_whole(org, account, api, issue_token, text, override, notes,
                                        alt):
    client = api(issue_token(org, Role.EDITOR))
    before = _counts()
    response = client.post("/api/v1/posts/", {
        "text": text or "x", "notes": notes,
        "targets": [{"account": account.pk, "text": override}]}, format="json")
    assert response.status_code in (201, 400, 422), response.status_code
    if response.status_code == 201:
        post = Post.objects.get(pk=response.json()["id"])
        assert post.text == (text or "x")
        assert _acceptable(post.text, "post_text") and _acceptable(post.notes, "note")
        assert _counts()[0] == before[0] + 1
    else:
        assert response.json()["code"] and _counts() == before


@pytest.mark.django_db
@FEW
@given(body=st.binary(max_size=2000))
def test_random_bytes_as_a_post_body_are_refused_with_a_reason(org, account, api,
                                                               issue_token, body):
    client = api(issue_token(org, Role.EDITOR))
    before = _counts()
    response = client.generic("POST", "/api/v1/posts/", body, content_type="application/json")
    assert response.status_code in (400, 415, 422), response.status_code
    assert response.json()["code"] and _counts() == before


@pytest.mark.django_db
def test_the_composer_names_the_refused_text(client, org, account):
    from tests.factories import MembershipFactory

    client.force_login(MembershipFactory(organization=org, role=Role.OWNER).user)
    url = reverse("compose", kwargs={"org_slug": org.slug})
    response = client.post(url, {"text": "Fine", "accounts": [account.pk], "action": "draft",
                                 f"override_{account.pk}": "Ring\x07"})
    assert response.status_code == 400 and not Post.objects.exists()
    assert f"Text for {account.handle}" in response.content.decode()
    response = client.post(url, {"text": "x" * (LIMITS["post_text"] + 1),
                                 "accounts": [account.pk], "action": "draft"})
    assert response.status_code == 400 and not Post.objects.exists()
    response = client.post(url, {"text": "Fine", "title": "Launch\x00\x1b", "action": "draft",
                                 "accounts": [account.pk]})
    assert response.status_code == 302 and Post.objects.get().title == "Launch"
