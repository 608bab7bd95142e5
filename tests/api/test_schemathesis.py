"""Property-based run of every documented operation against the WSGI app (schemathesis).

Bounded (20 examples per operation, no deadline) so it runs in `make test`. A valid owner
token and seeded data (accounts, a post, a media file, inbox items) make the generated
ids hit real objects some of the time. Checks: no 5xx, and every answer — status code,
content type, headers, body — matches the schema.

Each operation is its own pytest case (driven through hypothesis directly: schemathesis'
pytest plugin does not run under this pytest version).
"""

import io
import json

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from PIL import Image
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.roles import Role
from content.services.media import media_upload
from content.services.posts import PostData, post_create
from socialmgr.wsgi import application
from tests.factories import ConnectedAccountFactory, MembershipFactory
from tests.inbox.factories import InboxItemFactory

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


def _load_schema():
    # The document /api/v1/schema/ serves (tests/api/test_docs.py checks that), built
    # without a request so no database is needed at collection time.
    document = json.loads(OpenApiJsonRenderer().render(
        SchemaGenerator().get_schema(request=None, public=True)))
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = application
    return loaded


SCHEMA = _load_schema()
OPERATIONS = {op.ok().label: op.ok() for op in SCHEMA.get_all_operations()}


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Like Django's test client: the WSGI handler must not close the test transaction's
    connection at the end of each request."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded_token(org, issue_token, sandbox, settings, wsgi_keeps_the_test_connection):
    settings.SSRF_ALLOW_LOOPBACK = True  # the sandbox platform answers on loopback
    owner = MembershipFactory(organization=org, role=Role.OWNER).user
    accounts = [ConnectedAccountFactory(organization=org) for _ in range(2)]
    post_create(organization=org, actor=owner,
                data=PostData(text="Seed", account_ids=[a.pk for a in accounts]))
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, "PNG")
    media_upload(organization=org, actor=owner,
                 upload=SimpleUploadedFile("seed.png", buffer.getvalue(), "image/png"))
    for account in accounts:
        InboxItemFactory(organization=org, account=account)
    return issue_token(org, Role.OWNER, user=owner)


def test_schema_covers_every_operation():
    assert len(OPERATIONS) >= 20
    assert "POST /api/v1/posts/{id}/approve/" in OPERATIONS


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_operation_conforms_to_the_schema(label, seeded_token):
    operation = OPERATIONS[label]
    headers = {"Authorization": f"Bearer {seeded_token}"}

    @given(case=operation.as_strategy())
    @hypothesis_settings(max_examples=20, deadline=None, database=None,
                         suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
