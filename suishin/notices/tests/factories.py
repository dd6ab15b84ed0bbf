"""Notices for tests: the registry's message, and stored rows for a town's user."""

from suishin.core.registry import Notice as NoticeMessage
from suishin.notices.models import Notice


def message(
    town, *names, kind="task", summary="計画の改定案が提出されました", url="/plans/1/", **extra
) -> NoticeMessage:
    """A notice from an app to the named users of `town`."""
    return NoticeMessage(
        organization_id=town.organization.pk,
        recipient_ids=tuple(town.users[name].pk for name in names),
        kind=kind,
        verb=extra.pop("verb", "plan_revision.submit"),
        summary=summary,
        url=url,
        **extra,
    )


def make_notices(town, name, count, *, kind="task", read=False) -> list[Notice]:
    """`count` stored notices to one user of `town`."""
    from django.utils import timezone

    return Notice.objects.bulk_create(
        Notice(
            organization=town.organization,
            recipient=town.users[name],
            kind=kind,
            verb="plan_revision.submit",
            summary=f"お知らせ {n}",
            url=f"/plans/{n}/",
            read_at=timezone.now() if read else None,
        )
        for n in range(count)
    )
