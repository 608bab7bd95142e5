"""`manage.py mcp_stdio`: the SDK's stdio client starts the command as an agent would."""

import asyncio
import concurrent.futures
import json
import os
import sys
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from mcp.client import Client
from mcp.client.stdio import StdioServerParameters

from accounts.roles import Role
from content.models import Post

pytestmark = pytest.mark.django_db(transaction=True)  # the command has its own connection


def _database_url() -> str:
    d = connection.settings_dict
    if d["ENGINE"].endswith("sqlite3"):
        pytest.skip("the command needs a database another process can open")
    password = f":{quote(d['PASSWORD'], safe='')}" if d.get("PASSWORD") else ""
    return (f"postgres://{quote(d['USER'] or '', safe='')}{password}@"
            f"{quote(d['HOST'] or 'localhost', safe='')}:{d['PORT'] or 5432}/{d['NAME']}")


def _agent(token: str | None, scenario):
    env = {**os.environ, "DATABASE_URL": _database_url(), "SOCIALMGR_TESTING": "true",
           "SANDBOX_URL": getattr(settings, "SANDBOX_URL", "")}
    env.pop("SOCIALMGR_API_TOKEN", None)
    args = [str(settings.BASE_DIR / "manage.py"), "mcp_stdio"]
    if token:
        args += ["--token", token]
    params = StdioServerParameters(command=sys.executable, args=args, env=env,
                                   cwd=str(settings.BASE_DIR))

    async def main():
        async with Client(params) as client:
            return await scenario(client)

    # Its own thread and event loop: a browser test earlier in the run may leave the sync
    # Playwright loop running in this thread, where async_to_sync refuses to start.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


def test_an_agent_drafts_over_stdio(org, issue_token, account):
    token = issue_token(org, Role.EDITOR)

    async def scenario(client):
        names = {t.name for t in (await client.list_tools()).tools}
        draft = await client.call_tool("create_draft", {
            "text": "From a local agent", "accounts": [{"account": account.pk}]})
        other = await client.call_tool("get_post", {"post_id": 10**9})
        return names, draft, other

    names, draft, other = _agent(token, scenario)
    assert {"create_draft", "list_inbox"} <= names
    assert not draft.is_error, draft.content
    post = Post.objects.get(pk=json.loads(draft.content[0].text)["id"])
    assert post.organization == org and post.status == "draft"
    assert other.is_error and "Not found" in other.content[0].text


def test_an_invalid_token_does_not_start(org):
    with pytest.raises(Exception):  # noqa: B017 - the process exits before the handshake
        _agent("smt_not_a_token", lambda client: client.list_tools())
