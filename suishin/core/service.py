"""The frame of every write service: one transaction, and refusals that are audited even so.

A service refuses by raising (PermissionDenied, Http404) inside its transaction, which then rolls
back. Its refusal must still reach the audit log, so refusals raised inside a service are recorded
through `record_refusal`, which holds them until the outermost service's transaction has ended and
writes them then. Outside any service (a view's own check) they are written at once.

Every function decorated with `@service` is listed in `SERVICES`, so that a test can find every
write of every app and call it with another town's actor.
"""

import contextvars
import functools
from collections.abc import Callable

from django.db import transaction

from suishin.core.audit import audit_record

SERVICES: dict[str, Callable] = {}  # "app.module.function" -> the decorated function
# Called with the actor, inside the transaction, after every outermost service that succeeded: the
# tenants app bumps the organization's content version there (cached pages are keyed by it).
after_write_hooks: list[Callable] = []

_pending: contextvars.ContextVar[list[dict] | None] = contextvars.ContextVar("pending_refusals", default=None)


def record_refusal(**entry) -> None:
    """Write an audit entry for a refusal; inside a service, once its transaction has rolled back."""
    pending = _pending.get()
    if pending is None:
        audit_record(**entry)
    else:
        pending.append(entry)


def service(function: Callable) -> Callable:
    """Run `function` in one transaction; audit refusals it raised after that transaction rolled back."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        if _pending.get() is not None:  # called by another service: its frame does the work
            with transaction.atomic():
                return function(*args, **kwargs)
        pending: list[dict] = []
        token = _pending.set(pending)
        try:
            with transaction.atomic():
                result = function(*args, **kwargs)
                for hook in after_write_hooks:
                    hook(kwargs.get("actor"))
                return result
        finally:
            _pending.reset(token)
            for entry in pending:
                audit_record(**entry)

    SERVICES[f"{function.__module__}.{function.__qualname__}"] = run
    return run
