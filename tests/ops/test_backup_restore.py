"""The backup and restore of docs/deployment.md, run once: pg_dump of a live database,
pg_restore into an empty one, and the restored installation reads the same data."""

from __future__ import annotations

import shutil
import subprocess
import uuid

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import AuditEntry
from content.models import Post, PostTarget
from tests.factories import ConnectedAccountFactory, MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _conninfo(dbname: str) -> str:
    params = connection.get_connection_params()
    parts = {"host": params.get("host"), "port": params.get("port"),
             "user": params.get("user"), "password": params.get("password"), "dbname": dbname}
    return " ".join(f"{k}={v}" for k, v in parts.items() if v)


def _run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_pg_dump_and_pg_restore_bring_back_an_organisation(tmp_path):
    if not shutil.which("pg_dump") or not shutil.which("pg_restore"):
        pytest.fail("pg_dump and pg_restore must be installed (PostgreSQL client tools)")
    org = OrganizationFactory(name="Backup GmbH")
    owner = MembershipFactory(organization=org, role="owner").user
    account = ConnectedAccountFactory(organization=org)
    post = Post.objects.create(organization=org, author=owner, title="Sommerfest",
                               text="Wir sehen uns am Samstag!", status="scheduled",
                               scheduled_at=timezone.now())
    PostTarget.objects.create(post=post, account=account, status="scheduled",
                              next_attempt_at=post.scheduled_at)
    AuditEntry.objects.create(organization=org, actor=owner, actor_label=owner.email,
                              verb="content.post.created", target_type="content.post",
                              target_id=str(post.pk), target_label=post.title)

    source = connection.settings_dict["NAME"]
    dump = tmp_path / "socialmgr.dump"
    restored = f"restored_{uuid.uuid4().hex[:10]}"
    _run("pg_dump", "--format=custom", "--no-owner", f"--dbname={_conninfo(source)}",
         f"--file={dump}")
    with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{restored}"')
    try:
        _run("pg_restore", "--no-owner", f"--dbname={_conninfo(restored)}", str(dump))
        with psycopg.connect(_conninfo(restored)) as db:
            name, = db.execute("SELECT name FROM accounts_organization WHERE id = %s",
                               [org.pk]).fetchone()
            text, status = db.execute(
                f"SELECT text, status FROM {Post._meta.db_table} WHERE id = %s",  # noqa: S608
                [post.pk]).fetchone()
            targets, = db.execute(
                f"SELECT count(*) FROM {PostTarget._meta.db_table} WHERE post_id = %s",  # noqa: S608
                [post.pk]).fetchone()
            migrations, = db.execute("SELECT count(*) FROM django_migrations").fetchone()
        assert (name, text, status, targets) == ("Backup GmbH", "Wir sehen uns am Samstag!",
                                                 "scheduled", 1)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM django_migrations")
            assert migrations == cursor.fetchone()[0]  # the schema's history came along
    finally:
        with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
