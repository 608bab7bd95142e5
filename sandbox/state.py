"""The sandbox's world: accounts, clients, tokens, statuses, media, notifications.

Plain dicts (so the whole world is one JSON document) behind one lock. Handlers
hold the lock only while they read or change the world, never while they sleep.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections import OrderedDict
from pathlib import Path

from sandbox.knobs import Knobs

logger = logging.getLogger(__name__)

MAX_BLOB_BYTES = 256 * 1024 * 1024  # media bytes kept in memory (not persisted), oldest evicted


def empty_world() -> dict:
    return {
        "clients": {},  # client_id -> {client_secret, name, redirect_uris}
        "accounts": {},  # id -> account (local ones can sign in; remote ones are pretend people)
        "usernames": {},  # acct -> id
        "codes": {},  # authorization code -> grant
        "tokens": {},  # access token -> {account_id, client_id, scope, expires_at, revoked}
        "refresh_tokens": {},  # refresh token -> {account_id, client_id, scope, revoked}
        "statuses": {},  # id -> status
        "media": {},  # id -> media attachment
        "notifications": {},  # account id -> [notification, …] ordered by id
        "idempotency": {},  # "account_id:key" -> status id
        "activity_until": {},  # account id -> clock time up to which activity was generated
        "public_until": None,  # clock time up to which public chatter was generated
        "public_origin": None,  # when chatter was first generated (tag trends are anchored)
    }


class State:
    def __init__(self, knobs: Knobs, path: str | os.PathLike | None = None):
        self.knobs = knobs
        self.lock = threading.RLock()
        self.path = Path(path) if path else None
        self.world = empty_world()
        self.blobs: OrderedDict[str, tuple[str, bytes]] = OrderedDict()
        self._blob_bytes = 0
        self._last_id = 0
        self._dirty = False
        self._saver: threading.Thread | None = None
        self._stop = threading.Event()
        if self.path and self.path.exists():
            self.load()

    # --- time and ids -----------------------------------------------------------------
    def now(self) -> float:
        """The pretend clock: real time plus the `clock_offset_s` knob."""
        return time.time() + self.knobs.clock_offset_s

    def new_id(self, at: float | None = None) -> str:
        """Time-ordered ids like Mastodon's snowflakes: milliseconds << 16, strictly increasing."""
        with self.lock:
            candidate = int((self.now() if at is None else at) * 1000) << 16
            if at is None:
                candidate = max(candidate, self._last_id + 1)
                self._last_id = candidate
            else:  # back-dated (generated activity): unique, not necessarily the newest
                while str(candidate) in self.world["statuses"] or candidate == self._last_id:
                    candidate += 1
            return str(candidate)

    def touch(self) -> None:
        self._dirty = True

    # --- media bytes ------------------------------------------------------------------
    def put_blob(self, media_id: str, content_type: str, data: bytes) -> None:
        with self.lock:
            self.blobs[media_id] = (content_type, data)
            self._blob_bytes += len(data)
            while self._blob_bytes > MAX_BLOB_BYTES and len(self.blobs) > 1:
                _, (_, old) = self.blobs.popitem(last=False)
                self._blob_bytes -= len(old)

    # --- persistence ------------------------------------------------------------------
    def reset(self) -> None:
        with self.lock:
            self.world = empty_world()
            self.blobs.clear()
            self._blob_bytes = 0
            self._dirty = True

    def load(self) -> None:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError) as exc:
            logger.warning("sandbox: could not read %s (%s); starting empty", self.path, exc)
            return
        world = empty_world()
        world.update({k: v for k, v in data.items() if k in world})
        with self.lock:
            self.world = world
            ids = [int(i) for key in ("statuses", "accounts") for i in world[key]]
            self._last_id = max(ids, default=0)

    def save(self) -> None:
        if not self.path:
            return
        with self.lock:
            text = json.dumps(self.world, ensure_ascii=False)
            self._dirty = False
        tmp = self.path.with_suffix(".tmp")
        tmp.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text)
        tmp.chmod(0o600)  # it holds tokens
        tmp.replace(self.path)

    def start_autosave(self, every_s: float = 1.0) -> None:
        if not self.path or self._saver:
            return

        def loop():
            while not self._stop.wait(every_s):
                if self._dirty:
                    self.save()

        self._saver = threading.Thread(target=loop, name="sandbox-autosave", daemon=True)
        self._saver.start()

    def close(self) -> None:
        self._stop.set()
        if self.path and self._dirty:
            self.save()
