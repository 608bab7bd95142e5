import pytest

from accounts.audit import audit_record
from accounts.roles import Role


@pytest.mark.django_db
def test_admins_see_the_audit_log_filtered(org, owner, login):
    audit_record(organization=org, actor=owner, verb="accounts.member.role_changed")
    audit_record(organization=org, actor=owner, verb="content.post.approved")
    html = login(owner).get("/o/acme/settings/audit/?verb=content.").content.decode()
    assert "content.post.approved" in html
    assert "accounts.member.role_changed" not in html


@pytest.mark.django_db
def test_the_audit_log_pages_with_a_keyset_cursor(org, owner, login):
    for i in range(55):
        audit_record(organization=org, actor=owner, verb=f"test.entry.n{i:02d}")
    client = login(owner)
    first = client.get("/o/acme/settings/audit/").content.decode()
    assert "test.entry.n54" in first and "test.entry.n04" not in first
    cursor = first.split("before=")[1].split('"')[0].replace("&amp;", "&")
    second = client.get(f"/o/acme/settings/audit/?before={cursor}").content.decode()
    assert "test.entry.n04" in second and "test.entry.n54" not in second


@pytest.mark.django_db
def test_audit_entries_of_another_organisation_are_not_shown(org, other_org, owner, outsider,
                                                            login):
    audit_record(organization=other_org, actor=outsider, verb="secret.thing.done")
    assert "secret.thing.done" not in login(owner).get("/o/acme/settings/audit/").content.decode()


@pytest.mark.django_db
def test_editors_cannot_read_the_audit_log(org, member_of, login):
    assert login(member_of(Role.EDITOR)).get("/o/acme/settings/audit/").status_code == 403


@pytest.mark.django_db
def test_the_language_picker_saves_the_choice_on_the_user(org, owner, login):
    client = login(owner)
    response = client.post("/preferences/language/", {"language": "de", "next": "/o/acme/"})
    assert response["Location"] == "/o/acme/"
    owner.refresh_from_db()
    assert owner.language == "de"
    html = client.get("/o/acme/").content.decode()
    assert 'lang="de"' in html
    assert "Kalender" in html


@pytest.mark.django_db
def test_the_language_defaults_from_the_browser(org, owner, login):
    html = login(owner).get("/o/acme/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()
    assert "Posteingang" in html


@pytest.mark.django_db
def test_the_language_picker_refuses_foreign_redirects(owner, login):
    response = login(owner).post("/preferences/language/",
                                 {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_preferences_save_time_zone_and_reject_unknown_ones(owner, login):
    client = login(owner)
    client.post("/preferences/", {"language": "", "timezone": "Asia/Tokyo", "first_name": "A"})
    owner.refresh_from_db()
    assert owner.timezone == "Asia/Tokyo"
    response = client.post("/preferences/", {"timezone": "Nowhere/Else"})
    assert response.status_code == 200
    owner.refresh_from_db()
    assert owner.timezone == "Asia/Tokyo"
