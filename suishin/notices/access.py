"""Who may read which notice: only its recipient, in the organization they act in."""

from django.http import Http404

from suishin.tenants.actor import Actor

from .models import Notice


def notices_of(actor: Actor):
    """Return the actor's own notices in the organization they act in, newest first."""
    if actor.organization is None or actor.user is None:
        return Notice.objects.none()
    return Notice.objects.for_organization(actor.organization).filter(recipient_id=actor.user.pk)


def access_notice(actor: Actor, notice_id) -> Notice:
    """Return the actor's own notice, or 404: the same for a missing one, a colleague's, another town's."""
    try:
        return notices_of(actor).get(pk=notice_id)
    except (Notice.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
