"""MCP fixtures: the SDK's own client, speaking streamable HTTP to /mcp/ through Django's
test client (the whole Django stack, in this thread and this test's transaction)."""

from __future__ import annotations

import json

import httpx2
import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import Client as DjangoClient
from mcp.client import Client

from tests.api.conftest import (  # noqa: F401 - the API's token fixtures
    _fresh_throttle,
    account,
    api,
    issue_token,
    other_account,
)

URL = "http://testserver/mcp/"


def django_transport() -> httpx2.MockTransport:
    django = DjangoClient(raise_request_exception=True)

    def forward(request: httpx2.Request):
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() not in ("host", "content-length", "content-type")}
        response = django.generic(request.method, request.url.path, request.content,
                                  content_type=request.headers.get("content-type", ""),
                                  headers=headers)
        return response.status_code, list(response.items()), response.content

    async def handler(request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        status, headers, body = await sync_to_async(forward, thread_sensitive=True)(request)
        return httpx2.Response(status, headers=headers, content=body)

    return httpx2.MockTransport(handler)


def http_client(token: str | None) -> httpx2.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx2.AsyncClient(transport=django_transport(), headers=headers)


class Agent:
    """`agent.call("list_posts", status="draft")` → the tool's structured result; a tool
    error raises ToolFailed with its message."""

    def __init__(self, token: str):
        self.token = token

    def session(self, scenario):
        async def main():
            async with http_client(self.token) as http:
                from mcp.client.streamable_http import streamable_http_client

                async with Client(streamable_http_client(URL, http_client=http)) as client:
                    return await scenario(client)

        return async_to_sync(main)()

    def tools(self) -> list:
        return self.session(lambda c: c.list_tools()).tools

    def raw(self, name: str, **arguments):
        return self.session(lambda c: c.call_tool(name, arguments))

    def call(self, name: str, **arguments):
        result = self.raw(name, **arguments)
        if result.is_error:
            raise ToolFailed(result.content[0].text)
        if result.structured_content is not None:
            return result.structured_content
        return json.loads(result.content[0].text)


class ToolFailed(Exception):
    pass


@pytest.fixture
def agent(issue_token):  # noqa: F811 - the imported fixture, requested
    """agent(org, role="editor") → an Agent with a token of that role."""

    def make(organization, role: str = "editor", **kwargs) -> Agent:
        return Agent(issue_token(organization, role, **kwargs))

    return make
