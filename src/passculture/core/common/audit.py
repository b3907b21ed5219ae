"""The append-only audit log: `log_action("booking.used", actor=user, target=booking, data={...})`."""

from typing import Any

from django.db import connection, models

from . import rows
from .models import AuditLog


def audit_entry(
    action: str,
    *,
    actor: Any = None,
    actor_label: str = "",
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditLog:
    """An unsaved audit entry: for `log_action`, or for a caller that writes it with its other
    statements (`core.common.bulk.Statements.insert`). `created_at` is set when it is inserted."""
    return AuditLog(
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label or (str(getattr(actor, "email", "")) if actor is not None else ""),
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )


def log_action(action: str, *, writes: rows.Writes | None = None, **fields: Any) -> AuditLog:
    """Writes an entry (`audit_entry`'s arguments) with one prebuilt INSERT: every booking writes one
    (decision 0040). `writes`: added there, for the caller to send with its other writes (its key is
    set then)."""
    entry = audit_entry(action, **fields)
    if writes is not None:
        writes.insert([entry])
    else:
        rows.insert(connection, [entry])
    return entry
