"""Provider instances for the pipeline, one per platform per process.

`get_provider()` builds a new instance (and with it a new HTTP session) on every call;
publishing thousands of targets that way opens a TCP connection per post. Providers are
stateless apart from their HTTP client, so the pipeline keeps one per platform and
reuses its connection pool across tasks and threads.
"""

from __future__ import annotations

import threading

from platforms import registry

_instances: dict[str, object] = {}
_lock = threading.Lock()


def provider_for(key: str):
    """Like `registry.get_provider(key)` (UnknownProvider when unknown or switched off)."""
    cls = registry.provider_class(key)
    instance = _instances.get(key)
    if type(instance) is not cls:  # first use, or the registry changed (tests swap classes)
        with _lock:
            instance = _instances.get(key)
            if type(instance) is not cls:
                instance = _instances[key] = cls()
    return instance
