"""The MCP server for AI agents: the REST API's capabilities as Model Context Protocol tools
(official Python SDK), at /mcp/ (streamable HTTP) and `manage.py mcp_stdio` (stdio).

It sits on the API: the same tokens, role caps, rate limit, serializers and services."""
