"""Own work needs no licence: no warning in the library, the composer or the upload result."""

import pytest
from django.urls import reverse

from content.models import MediaAsset
from tests.content.test_views import png_upload

pytestmark = pytest.mark.django_db


def url(name, **kw):
    return reverse(name, kwargs={"org_slug": "acme", **kw})


def test_an_upload_marked_own_work_has_no_licence_warning(login, member_of):
    client = login(member_of("editor"))
    response = client.post(url("media_upload"), {"file": png_upload("mine.png"),
                                                 "alt_text": "Our shop", "own_work": "on"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-licensed="1"' in response.content.decode()
    asset = MediaAsset.objects.get()
    assert asset.own_work and asset.has_licence
    library = client.get(url("media_library")).content.decode()
    assert "Own work" in library and "No licence recorded" not in library
    picker = client.get(url("media_picker")).content.decode()
    assert 'data-licensed="1"' in picker and "library is empty" not in picker


def test_without_own_work_or_licence_the_warning_stays(login, member_of):
    client = login(member_of("editor"))
    client.post(url("media_upload"), {"file": png_upload("found.png")})
    assert "No licence recorded" in client.get(url("media_library")).content.decode()


def test_approvals_tabs_are_laid_out_as_tabs(login, member_of):
    html = login(member_of("approver")).get(url("approvals")).content.decode()
    assert '<nav class="page-tabs"' in html
