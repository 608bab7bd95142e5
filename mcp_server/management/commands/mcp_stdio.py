"""`python manage.py mcp_stdio --token smt_…`: the MCP tools over stdio, for an agent that
starts socialmgr as a local process (e.g. Claude Desktop's `command`)."""

from __future__ import annotations

import os

import anyio
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils.translation import gettext as _
from mcp.server.mcpserver.exceptions import ToolError

from api.services.tokens import api_token_authenticate
from mcp_server.server import build_server


class Command(BaseCommand):
    help = "Serve the MCP tools over stdio, as the given API token."

    def add_arguments(self, parser):
        parser.add_argument("--token", default=os.environ.get("SOCIALMGR_API_TOKEN", ""),
                            help="API token (or the SOCIALMGR_API_TOKEN variable).")

    def handle(self, *args, **options):
        token = options["token"]
        if api_token_authenticate(token) is None:
            raise CommandError(_("Invalid, expired or revoked token."))

        def principal(_ctx):
            # Checked again on every call: a revoked token stops working at once. The
            # process lives long, so stale database connections are replaced here.
            close_old_connections()
            found = api_token_authenticate(token)
            if found is None:
                raise ToolError(_("Invalid, expired or revoked token."))
            return found

        # stdout is the protocol channel: nothing else may be printed there.
        anyio.run(build_server(principal).run_stdio_async)
