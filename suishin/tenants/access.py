"""Access checks every view calls first: who may enter, with which role."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from suishin.core.audit import audit_record
from suishin.tenants.actor import Actor
from suishin.tenants.models import Department


def require_actor(request: HttpRequest) -> Actor:
    """Return the request's actor; refuse a user who belongs to no organization."""
    actor = request.actor
    if actor.organization is None:
        raise PermissionDenied
    return actor


def deny(actor: Actor, action: str, target=None) -> PermissionDenied:
    """Record a refused action in the audit log and return the exception to raise."""
    audit_record(
        actor=actor.user,
        organization=actor.organization,
        verb="authorization.denied",
        target=target,
        data={"action": action},
    )
    return PermissionDenied


def require_role(request: HttpRequest, *roles: str, action: str = "") -> Actor:
    """Return the actor when they hold one of `roles`; otherwise record and refuse."""
    actor = require_actor(request)
    if not actor.has_role(*roles):
        raise deny(actor, action or "role:" + ",".join(roles))
    return actor


def access_department(actor: Actor, department_id: int) -> Department:
    """Return the actor's organization's department, or 404."""
    try:
        return Department.objects.for_organization(actor.organization).get(pk=department_id)
    except (Department.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
