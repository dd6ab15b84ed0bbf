"""Attach the acting user's organization and roles to every request."""

from django.utils.functional import SimpleLazyObject

from suishin.tenants.actor import actor_for_user


class OrganizationMiddleware:
    """Set `request.actor` (lazily) and `request.organization`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = SimpleLazyObject(lambda: actor_for_user(request.user))
        request.organization = SimpleLazyObject(lambda: request.actor.organization)
        return self.get_response(request)
