"""Writes of the notices app.

Reading one's own notices is not audited: it changes nothing anyone else sees, and a click per
notice would bury the town's records. Refusals are audited (by require_same_organization), and so
is a change of mail preference, which decides what a person is told.
"""

from django.http import Http404
from django.utils import timezone

from suishin.core.audit import audit_record
from suishin.core.service import record_refusal, service
from suishin.tenants.access import require_same_organization
from suishin.tenants.actor import Actor
from suishin.tenants.models import Organization

from .access import notices_of
from .models import Kind, MailPreference, Notice


def _require_own(actor: Actor, action: str, obj, user_id: int) -> None:
    """Refuse, as not found, an object of the actor's organization that belongs to a colleague."""
    if actor.user is None or user_id != actor.user.pk:
        record_refusal(
            actor=actor.user,
            organization=actor.organization,
            verb="authorization.denied",
            data={"action": action, "reason": "other_user", "target_type": obj._meta.label},
        )
        raise Http404


@service
def notice_mark_read(*, actor: Actor, notice: Notice) -> None:
    """Mark the actor's own notice read (once: a second call keeps the first time)."""
    require_same_organization(actor, "notice.read", notice)
    _require_own(actor, "notice.read", notice, notice.recipient_id)
    notices_of(actor).filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())


@service
def notices_mark_all_read(*, actor: Actor, organization: Organization) -> int:
    """Mark every unread notice of the actor in `organization` read; return how many."""
    require_same_organization(actor, "notice.read_all", organization)
    return notices_of(actor).filter(read_at__isnull=True).update(read_at=timezone.now())


@service
def mail_preference_update(*, actor: Actor, preference: MailPreference, kinds: set[str]) -> MailPreference:
    """Mail the actor the notices of `kinds` (and no other kind) from now on."""
    require_same_organization(actor, "mail_preference.update", preference)
    _require_own(actor, "mail_preference.update", preference, preference.user_id)
    changes = {}
    for kind in Kind.values:
        field, wanted = MailPreference.field_for(kind), kind in kinds
        if getattr(preference, field) != wanted:
            changes[field] = [getattr(preference, field), wanted]
            setattr(preference, field, wanted)
    if changes or preference.pk is None:
        preference.save()
    if changes:
        audit_record(
            actor=actor.user,
            organization=actor.organization,
            verb="mail_preference.update",
            target=preference,
            data=changes,
        )
    return preference
