"""The organization's content version: bumped by the service frame after every write of its data."""

from django.db.models import F

from suishin.tenants.actor import Actor
from suishin.tenants.models import Organization


def content_changed(actor: Actor | None) -> None:
    """Record, in the transaction of a write, that the actor's organization's data changed.

    The service frame calls this after every write; the row lock it takes orders concurrent writers
    of one organization, so a reader never caches older contents under a newer version.
    """
    organization = getattr(actor, "organization", None)
    if organization is not None:
        Organization.objects.filter(pk=organization.pk).update(content_version=F("content_version") + 1)
