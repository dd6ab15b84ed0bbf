"""Attach the acting user's organization and roles to every request."""

from django.utils.functional import SimpleLazyObject

from suishin.tenants.actor import actor_for_user

ORGANIZATION_SESSION_KEY = "suishin_organization_id"


def request_actor(request):
    """Return the actor of the request, in the organization chosen in the session (if still theirs)."""
    chosen = request.session.get(ORGANIZATION_SESSION_KEY) if hasattr(request, "session") else None
    actor = actor_for_user(request.user, chosen) if chosen is not None else None
    if actor is None or actor.organization is None:
        actor = actor_for_user(request.user)
    return actor


class OrganizationMiddleware:
    """Set `request.actor` (lazily) and `request.organization`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = SimpleLazyObject(lambda: request_actor(request))
        request.organization = SimpleLazyObject(lambda: request.actor.organization)
        return self.get_response(request)
