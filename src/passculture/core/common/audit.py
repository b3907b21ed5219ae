"""The append-only audit log: `log_action("booking.used", actor=user, target=booking, data={...})`."""

from typing import Any

from django.db import connection, models

from . import rows
from .models import AuditLog


def log_action(
    action: str,
    *,
    actor: Any = None,
    actor_label: str = "",
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditLog:
    entry = AuditLog(
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label or (str(getattr(actor, "email", "")) if actor is not None else ""),
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )
    # One prebuilt INSERT: every booking writes an entry (decision 0040).
    rows.insert(connection, [entry])
    return entry
