"""Sign-in with django-allauth, styled in our UI: verification, MFA, rate limits."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value
from django.core import mail
from django.core.cache import cache

from tests.factories import DEFAULT_PASSWORD


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_sign_up_requires_email_verification(client):
    response = client.post("/accounts/signup/", {
        "email": "new@example.com", "password1": "a-long-unusual-pass-19",
        "password2": "a-long-unusual-pass-19"})
    assert response["Location"] == "/accounts/confirm-email/"
    assert "confirm-email" in mail.outbox[-1].body
    # Not verified yet: signing in sends another confirmation instead of letting them in.
    response = client.post("/accounts/login/", {"login": "new@example.com",
                                                "password": "a-long-unusual-pass-19"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"


@pytest.mark.django_db
def test_the_auth_pages_use_our_layout(client):
    for url in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        html = client.get(url).content.decode()
        assert 'class="card auth-card"' in html, url
        assert "/static/css/app.css" in html


@pytest.mark.django_db
def test_account_pages_render_inside_the_app_shell(login, owner):
    client = login(owner)
    for url in ("/accounts/password/change/", "/accounts/email/", "/accounts/2fa/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'class="topbar"' in response.content.decode(), url


@pytest.mark.django_db
def test_repeated_failed_logins_are_rate_limited(client, user_factory):
    user = user_factory()
    for _ in range(5):
        client.post("/accounts/login/", {"login": user.email, "password": "wrong"})
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_totp_is_asked_for_after_the_password(client, user_factory):
    user = user_factory()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "_auth_user_id" not in client.session
    assert wrong.status_code == 200
    import time

    code = format(hotp_value(secret, int(time.time()) // 30), "06d")
    client.post("/accounts/2fa/authenticate/", {"code": code})
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_passkeys_are_offered(client):
    assert "passkey" in client.get("/accounts/login/").content.decode().lower()
