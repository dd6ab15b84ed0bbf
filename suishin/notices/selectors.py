"""Reads of the notices app."""

from typing import cast

from django.contrib.auth.models import User

from suishin.tenants.actor import Actor

from .access import notices_of
from .models import MailPreference


def unread_count(actor: Actor) -> int:
    """Return how many of the actor's notices are unread: one COUNT on a partial index."""
    return notices_of(actor).filter(read_at__isnull=True).count()


def mail_preference_of(actor: Actor) -> MailPreference:
    """Return the actor's mail preference in their organization (unsaved with the defaults if never chosen)."""
    user = cast(User, actor.user)  # the notices pages are for signed-in users only
    found = MailPreference.objects.for_organization(actor.organization).filter(user_id=user.pk).first()
    return found or MailPreference(organization=actor.organization, user=user)
