"""Write the audit log. Every service calls `audit_record` once per change."""

from typing import Any

from django.db import models

from suishin.core.models import AuditLog
from suishin.core.request_context import current_ip_address


def neutralise(text: str, limit: int = 300) -> str:
    """Return `text` on one line (CR/LF and other control characters shown as spaces)."""
    cleaned = "".join(" " if (ord(ch) < 32 or ord(ch) == 127) else ch for ch in str(text))
    return cleaned[:limit]


def audit_record(
    *,
    actor: Any,
    organization: Any,
    verb: str,
    target: models.Model | None = None,
    data: dict | None = None,
) -> AuditLog:
    """Append one entry to the audit log and return it."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditLog.objects.create(
        organization=organization,
        actor=actor if is_user else None,
        actor_username=neutralise(getattr(actor, "username", "") or "", 150),
        verb=neutralise(verb, 80),
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=neutralise(str(target)) if target is not None else "",
        data=data or {},
        ip_address=current_ip_address(),
    )
