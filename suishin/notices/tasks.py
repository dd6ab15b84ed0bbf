"""Background work of the notices app: the mail, away from the request that caused the notice."""

from django_tasks import task

from .mail import mail_notices


@task()
def notice_mail_task(organization_id: int, notice_ids: list[int]) -> int:
    """Mail the given notices of the organization to those who want them by mail."""
    return mail_notices(organization_id, notice_ids)
