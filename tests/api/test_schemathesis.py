"""Schemathesis against the app's own schema: every operation, every check, all phases.

This is what `schemathesis run <schema> --checks all` does from the command line (the
examples, coverage, fuzzing and stateful phases; positive and negative data), run in
process against the WSGI application with a real API token of a seeded organisation,
so it runs in `make test` and CI. Bounded (a few examples per operation, a fixed seed)
to stay well under a minute. Any failure is listed with its check and a curl command.

The one setting on top of the defaults: a schema-valid request may also be refused
with 422 — the documented answer for a business rule the schema cannot state (a time
in the past, a file whose content is not an image, an account that is not connected).
400 stays a failure for valid data: input the schema allows must pass validation.
"""

import io
import json
import time

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from PIL import Image
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema

from accounts.roles import Role
from content.services.media import media_upload
from content.services.posts import PostData, post_create
from socialmgr.wsgi import application
from tests.factories import ConnectedAccountFactory, MembershipFactory
from tests.inbox.factories import InboxItemFactory

MAX_EXAMPLES = 6
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]
SEED = 20261207  # fixed: CI answers the same way every run; change it to explore


def _document() -> dict:
    # The document /api/v1/schema/ serves (tests/api/test_docs.py checks that).
    return json.loads(OpenApiJsonRenderer().render(
        SchemaGenerator().get_schema(request=None, public=True)))


@pytest.fixture
def wsgi_transport_without_socket_options(monkeypatch):
    """schemathesis 4 hands the in-process WSGI transport socket options (max_redirects,
    verify …) that werkzeug refuses, unless the call came with a requests session; drop
    them, as the transport itself does in that case."""
    from schemathesis.transport.wsgi import WSGITransport

    send = WSGITransport.send

    def send_without_socket_options(self, case, *, session=None, **kwargs):
        for name in ("max_redirects", "verify", "cert", "proxies"):
            kwargs.pop(name, None)
        return send(self, case, session=session, **kwargs)

    monkeypatch.setattr(WSGITransport, "send", send_without_socket_options)


@pytest.fixture
def seeded_token(transactional_db, org, issue_token, sandbox, settings):
    # Transactional: the engine sends requests from its own worker thread, which has its
    # own database connection and must see the seeded rows.
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


def _closing_connections(environ, start_response):
    """The app, closing the database connection of the engine's thread after each request
    (else it outlives the test and blocks dropping the test database)."""
    from django.db import connections

    try:
        return list(application(environ, start_response))
    finally:
        connections.close_all()


def _run(token: str) -> tuple[list[str], set[str], events.EngineFinished | None]:
    config = SchemathesisConfig.from_dict({
        "seed": SEED,
        "workers": 1,
        "headers": {"Authorization": f"Bearer {token}"},
        "generation": {"max-examples": MAX_EXAMPLES, "mode": "all"},
        "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}},
        "suppress-health-check": ["all"],
        # Cursors are opaque: only those the API hands out in `next` are valid, which no
        # schema can state. Page 1 (an empty cursor) stands in for them.
        "parameters": {"query.cursor": ""},
        # The coverage phase walks every enum value: ~600 time zones make ~800 requests
        # for each of these two, minutes on a busy machine. They keep the examples, fuzzing
        # and stateful phases; tests/api/test_bad_input.py fuzzes their texts.
        "operations": [
            {"include-name": ["POST /api/v1/posts/", "PATCH /api/v1/posts/{id}/"],
             "phases": {"coverage": {"enabled": False}}},
            # A custom period's rules span parameters (both dates, the end not before the
            # start, at most MAX_DAYS), which OpenAPI 3.0 cannot state: 400 names the field.
            {"include-name": "GET /api/v1/analytics/summary/",
             "checks": {"positive_data_acceptance": {"expected-statuses": [
                 *ACCEPTED, "400"]}}},
        ],
    })
    schema = schemathesis.openapi.from_dict(_document(), config=config)
    schema.app = _closing_connections
    failures, tested, finished = [], set(), None
    started = time.monotonic()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            tested.add(event.recorder.label)
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.status == Status.FAILURE and check.failure_info is not None:
                        info = check.failure_info
                        interaction = event.recorder.interactions.get(case_id)
                        answer = interaction and interaction.response
                        answered = (f"\n    answered {answer.status_code}: "
                                    f"{(answer.content or b'')[:300]!r}") if answer else ""
                        failures.append(f"[{event.phase.value}] {event.recorder.label} "
                                        f"{info.failure.code} {info.failure.title}: "
                                        f"{info.failure.message[:300]}\n    "
                                        f"{info.code_sample[:600]}"
                                        f"{answered}")
        elif isinstance(event, events.NonFatalError):
            failures.append(f"error in {event.label}: {event.info.message}")
        elif isinstance(event, events.FatalError):
            failures.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.PhaseFinished):
            print(f"phase {event.phase.name.value}: {event.status.value} at "
                  f"{time.monotonic() - started:.1f}s")
        elif isinstance(event, events.EngineFinished):
            finished = event
            failures.extend(f"after run: {f.code} {f.title}: {f.message[:300]}"
                            for f in event.failures)
    return sorted(set(failures)), tested, finished


def test_schema_covers_every_operation():
    operations = {op.ok().label for op in
                  schemathesis.openapi.from_dict(_document()).get_all_operations()}
    assert len(operations) >= 30
    assert "POST /api/v1/posts/{id}/approve/" in operations


def test_schemathesis_reports_no_failures(seeded_token, wsgi_transport_without_socket_options):
    failures, tested, finished = _run(seeded_token)
    assert finished is not None
    assert not failures, f"{len(failures)} schemathesis failures:\n" + "\n".join(failures)
    assert "GET /api/v1/posts/" in tested and "POST /api/v1/posts/" in tested
