"""Just enough HTTP for the sandbox: a request wrapper, responses and a tiny router."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs, urlencode

MAX_BODY = 128 * 1024 * 1024  # above every media limit, so the limit check answers, not a reset


class HttpError(Exception):
    """Raised by handlers: becomes a JSON error answer shaped like Mastodon's."""

    def __init__(self, status: int, error: str, *, headers: dict | None = None, **extra):
        super().__init__(error)
        self.status = status
        self.body = {"error": error, **extra}
        self.headers = headers or {}


@dataclass
class Upload:
    filename: str
    content_type: str
    data: bytes


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    remote_addr: str
    base_url: str
    environ: dict = field(repr=False, default_factory=dict)
    _form: tuple[dict[str, list[str]], dict[str, Upload]] | None = field(default=None, repr=False)

    @classmethod
    def from_environ(cls, environ: dict) -> Request:
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items()
                   if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        try:
            length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        host = headers.get("host") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
        return cls(
            method=environ["REQUEST_METHOD"].upper(),
            path=environ.get("PATH_INFO") or "/",
            query=parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True),
            headers=headers, body=body, remote_addr=environ.get("REMOTE_ADDR", ""),
            base_url=f"{environ.get('wsgi.url_scheme', 'http')}://{host}", environ=environ,
        )

    def arg(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[0] if values else default

    def args(self, name: str) -> list[str]:
        return self.query.get(f"{name}[]", []) + self.query.get(name, [])

    # --- bodies ---------------------------------------------------------------------
    def _parse_form(self) -> tuple[dict[str, list[str]], dict[str, Upload]]:
        if self._form is not None:
            return self._form
        ctype = self.headers.get("content-type", "")
        fields: dict[str, list[str]] = {}
        files: dict[str, Upload] = {}
        if ctype.startswith("application/json"):
            data = self.json()
            for key, value in data.items():
                values = value if isinstance(value, list) else [value]
                fields[key] = ["" if v is None else str(v) for v in values]
        elif ctype.startswith("multipart/form-data"):
            fields, files = _parse_multipart(ctype, self.body)
        elif self.body:
            fields = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        self._form = (fields, files)
        return self._form

    def json(self) -> dict:
        try:
            data = json.loads(self.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise HttpError(400, "The request body is not valid JSON") from None
        if not isinstance(data, dict):
            raise HttpError(400, "The request body must be a JSON object")
        return data

    def field(self, name: str, default: str = "") -> str:
        values = self._parse_form()[0].get(name)
        return values[0] if values else default

    def fields(self, name: str) -> list[str]:
        form = self._parse_form()[0]
        return form.get(f"{name}[]", []) + form.get(name, [])

    def file(self, name: str) -> Upload | None:
        return self._parse_form()[1].get(name)


def _parse_multipart(ctype: str, body: bytes) -> tuple[dict[str, list[str]], dict[str, Upload]]:
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {ctype}\r\nMIME-Version: 1.0\r\n\r\n".encode() + body
    )
    if not message.is_multipart():
        raise HttpError(400, "Malformed multipart body")
    fields: dict[str, list[str]] = {}
    files: dict[str, Upload] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            files[name] = Upload(filename, part.get_content_type(), payload)
        else:
            fields.setdefault(name, []).append(payload.decode("utf-8", "replace"))
    return fields, files


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"


def json_response(data: Any, status: int = 200, headers: dict | None = None) -> Response:
    return Response(status, json.dumps(data, ensure_ascii=False).encode(), dict(headers or {}))


def html_response(html: str, status: int = 200) -> Response:
    return Response(status, html.encode(), {}, "text/html; charset=utf-8")


def redirect(url: str) -> Response:
    return Response(302, b"", {"Location": url}, "text/plain")


def with_query(url: str, params: dict[str, str]) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}{urlencode(params)}"


Handler = Callable[..., Response]


class Router:
    """Routes like `GET /api/v1/statuses/:id`; the template is the key for stats and faults."""

    def __init__(self):
        self._routes: list[tuple[str, re.Pattern, str, Handler, dict]] = []

    def add(self, method: str, template: str, handler: Handler, **options) -> None:
        pattern = re.sub(r":(\w+)", r"(?P<\1>[^/]+)", template)
        self._routes.append((method, re.compile(f"^{pattern}$"), template, handler, options))

    def match(self, method: str, path: str) -> tuple[str, Handler, dict, dict]:
        allowed = False
        for route_method, pattern, template, handler, options in self._routes:
            found = pattern.match(path)
            if not found:
                continue
            if route_method == method:
                return f"{method} {template}", handler, found.groupdict(), options
            allowed = True
        if allowed:
            raise HttpError(405, "Method not allowed")
        raise HttpError(404, "Record not found")
