"""The one compare-and-set state write, shared by every state machine.

Posts, deliveries (targets), inbox replies and connected accounts each move a `status`
field, and two workers or two browser tabs may try at once. Each move is one

    UPDATE … SET status = <to>, <fields> WHERE id = <pk> AND status IN (<expected>)

and whoever changed no row lost the race: the caller raises its own Conflict. What a
machine allows (`content.workflows`, `inbox.models.REPLY_TRANSITIONS`, …), the audit
entry and the signals stay with the machine's service; this is only the write.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def compare_and_set(obj: Any, *, expected: str | Iterable[str], to: str,
                    field: str = "status", where: dict | None = None, **fields) -> bool:
    """Move `obj`'s row from `expected` (one state or several) to `to`, with `fields` in
    the same UPDATE and `where` as further conditions. True when the row changed; then
    `obj` carries the new values too (except expressions such as `F("attempts") + 1`,
    which the caller reads back when it needs them). False (and `obj` untouched) when
    another change came first."""
    states = [expected] if isinstance(expected, str) else list(expected)
    rows = type(obj)._default_manager.filter(pk=obj.pk, **{f"{field}__in": states},
                                             **(where or {}))
    if rows.update(**{field: to}, **fields) != 1:
        return False
    setattr(obj, field, to)
    for name, value in fields.items():
        if not hasattr(value, "resolve_expression"):  # F("attempts") + 1: read it back
            setattr(obj, name, value)
    return True
