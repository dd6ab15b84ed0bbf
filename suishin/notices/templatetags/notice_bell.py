"""The header's bell: the acting user's unread count, counted once per request."""

from django import template

from suishin.notices.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notices(context) -> int:
    """Return the request's unread count (one query, kept on the request for a second use)."""
    request = context.get("request")
    actor = getattr(request, "actor", None)
    if actor is None or actor.organization is None:
        return 0
    if not hasattr(request, "_unread_notices"):
        request._unread_notices = unread_count(actor)
    return request._unread_notices
