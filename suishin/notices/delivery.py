"""Store the notices apps send (`suishin.core.registry.send_notice`) and mail them once committed.

`deliver` is the notice hook: system code calls it inside the sender's transaction, with no acting
user, so it is a plain function and not a `@service`. It trusts the sender for what the notice says
(the sender writes `summary` from text every recipient may read) but not for where it goes: only
members of the notice's organization receive it, and its link must stay on this site.
"""

import hashlib
import logging
from datetime import date
from functools import partial

from django.db import IntegrityError, transaction
from django.utils.http import url_has_allowed_host_and_scheme

from suishin.core.audit import neutralise
from suishin.core.registry import NOTICE_KINDS
from suishin.core.registry import Notice as NoticeMessage
from suishin.tenants.models import Membership

from .models import Notice

logger = logging.getLogger(__name__)


def local_path(url: str) -> str:
    """Return `url` when it is a path on this site; refuse a link to another host or scheme."""
    if not url.startswith("/") or url.startswith("//") or not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        raise ValueError(f"a notice links to a path on this site, not {url!r}")
    return url


def reminder_key(notice: NoticeMessage, day: date) -> str:
    """Return the key that makes a reminder of the same item on the same day one notice per recipient."""
    item = "\x1f".join([notice.verb, notice.target_type, notice.target_id or notice.url])
    return f"reminder:{day.isoformat()}:{hashlib.sha256(item.encode()).hexdigest()[:40]}"


def _members(organization_id: int, user_ids) -> list[int]:
    members = set(
        Membership.objects.for_organization(organization_id)
        .filter(user_id__in=user_ids, user__is_active=True)
        .values_list("user_id", flat=True)
    )
    outside = set(user_ids) - members
    if outside:
        logger.warning("notice %s not delivered to %d users outside its organization", organization_id, len(outside))
    return sorted(members)


def deliver(notice: NoticeMessage, *, once_key: str = "") -> list[Notice]:
    """Store `notice` once for each recipient; mail them after the sender's transaction commits.

    With `once_key`, a recipient who already has a notice with that key gets nothing new (a
    reminder sent again the same day). Return the rows stored now.
    """
    if notice.kind not in NOTICE_KINDS:
        raise ValueError(f"unknown notice kind {notice.kind!r}")
    url = local_path(notice.url)
    recipients = _members(notice.organization_id, set(notice.recipient_ids))
    if not recipients:
        return []
    fields = {
        "organization_id": notice.organization_id,
        "kind": notice.kind,
        "verb": neutralise(notice.verb, 80),
        "summary": neutralise(notice.summary, 300),
        "url": url,
        "target_type": neutralise(notice.target_type, 80),
        "target_id": neutralise(notice.target_id, 64),
        "actor_id": notice.actor_id,
        "once_key": once_key,
    }
    if once_key:
        stored = _store_once(fields, recipients, once_key)
    else:
        stored = Notice.objects.bulk_create([Notice(recipient_id=user_id, **fields) for user_id in recipients])
    if stored:
        ids = [row.pk for row in stored]
        transaction.on_commit(partial(_queue_mail, notice.organization_id, ids))
    return stored


def _store_once(fields: dict, recipients: list[int], once_key: str) -> list[Notice]:
    already = set(
        Notice.objects.for_organization(fields["organization_id"])
        .filter(once_key=once_key, recipient_id__in=recipients)
        .values_list("recipient_id", flat=True)
    )
    stored = []
    for user_id in recipients:
        if user_id in already:
            continue
        try:
            with transaction.atomic():  # a run beside this one stored it first: the constraint says so
                stored.append(Notice.objects.create(recipient_id=user_id, **fields))
        except IntegrityError:
            continue
    return stored


def _queue_mail(organization_id: int, notice_ids: list[int]) -> None:
    from .tasks import notice_mail_task

    notice_mail_task.enqueue(organization_id, notice_ids)
