"""Access checks every view calls first: who may enter, with which role."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from suishin.core.service import record_refusal
from suishin.tenants.actor import Actor
from suishin.tenants.models import Department, Organization


def require_actor(request: HttpRequest) -> Actor:
    """Return the request's actor; refuse a user who belongs to no organization."""
    actor = request.actor
    if actor.organization is None:
        raise PermissionDenied
    return actor


def deny(actor: Actor, action: str, target=None) -> PermissionDenied:
    """Record a refused action in the audit log and return the exception to raise."""
    record_refusal(
        actor=actor.user,
        organization=actor.organization,
        verb="authorization.denied",
        target=target,
        data={"action": action},
    )
    return PermissionDenied()


def require_same_organization(actor: Actor, action: str, *objects) -> None:
    """Refuse, as not found, any object that belongs to another organization than the actor's.

    Services call this first, whoever calls them (view, task, command): the same 404 the views give
    for another town's object, and the refusal is audited (without naming the other town's object).
    """
    own = actor.organization.pk if actor.organization is not None else None
    for obj in objects:
        if obj is None:
            continue
        owner = obj.pk if isinstance(obj, Organization) else getattr(obj, "organization_id", None)
        if own is None or owner != own:
            record_refusal(
                actor=actor.user,
                organization=actor.organization,
                verb="authorization.denied",
                data={"action": action, "reason": "other_organization", "target_type": obj._meta.label},
            )
            raise Http404


def require_role(request: HttpRequest, *roles: str, action: str = "") -> Actor:
    """Return the actor when they hold one of `roles`; otherwise record and refuse."""
    actor = require_actor(request)
    if not actor.has_role(*roles):
        raise deny(actor, action or "role:" + ",".join(roles))
    return actor


def get_in_organization(queryset, actor: Actor, object_id):
    """Return the object `object_id` of `queryset` in the actor's organization, or 404.

    Missing and another town's object give the same 404, and so does an id that is not a number.
    Every app's `access_<thing>` functions are built on this.
    """
    try:
        return queryset.for_organization(actor.organization).get(pk=int(object_id))
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def access_department(actor: Actor, department_id) -> Department:
    """Return the actor's organization's department, or 404."""
    return get_in_organization(Department.objects.all(), actor, department_id)
