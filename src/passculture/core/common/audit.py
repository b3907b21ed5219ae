"""The append-only audit log: `log_action("booking.used", actor=user, target=booking, data={...})`."""

from typing import Any

from django.db import connection, models
from django.utils import timezone

from . import rows
from .models import AuditLog


def log_values(
    action: str,
    *,
    actor: Any = None,
    actor_label: str = "",
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The columns of an audit entry, every one named: for `log_action`, or for a caller that writes
    the entry with its other statements (`core.common.bulk.Statements.insert`)."""
    return {
        "action": action,
        "actor": actor if getattr(actor, "pk", None) else None,
        "actor_label": actor_label or (str(getattr(actor, "email", "")) if actor is not None else ""),
        "target_type": target._meta.label_lower if target is not None else "",
        "target_id": str(target.pk) if target is not None else "",
        "data": data or {},
        "created_at": timezone.now(),
    }


def log_action(
    action: str,
    *,
    actor: Any = None,
    actor_label: str = "",
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditLog:
    values = log_values(action, actor=actor, actor_label=actor_label, target=target, data=data)
    del values["created_at"]  # auto_now_add: the same instant, set by the insert
    entry = AuditLog(**values)
    # One prebuilt INSERT: every booking writes an entry (decision 0040).
    rows.insert(connection, [entry])
    return entry
