"""E-mail for stored notices: to each recipient who wants that kind by mail, the summary and the link only."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import MailPreference, Notice


def site_url(path: str) -> str:
    """Return the address of `path` on this site, as a mail reader outside the browser needs it."""
    return settings.SUISHIN_BASE_URL.rstrip("/") + path


def preferences_of(organization_id: int, user_ids) -> dict[int, MailPreference]:
    """Return each user's mail preference in the organization; a user who never chose gets the defaults."""
    chosen = {
        p.user_id: p for p in MailPreference.objects.for_organization(organization_id).filter(user_id__in=set(user_ids))
    }
    return {
        user_id: chosen.get(user_id) or MailPreference(organization_id=organization_id, user_id=user_id)
        for user_id in set(user_ids)
    }


def notice_message(notice: Notice) -> EmailMessage:
    """Return the mail of `notice`: what kind, the summary and where to read more; nothing else."""
    context = {
        "notice": notice,
        "kind": notice.get_kind_display(),
        "organization": notice.organization.name,
        "link": site_url(notice.url),
        "preferences_link": site_url(reverse("notices:mail_preferences")),
    }
    subject = " ".join(render_to_string("notices/mail/notice_subject.txt", context).split())
    body = render_to_string("notices/mail/notice_body.txt", context)
    return EmailMessage(subject=subject, body=body, to=[notice.recipient.email])


def mail_notices(organization_id: int, notice_ids: list[int]) -> int:
    """Mail the notices not mailed yet to recipients who want their kind; return how many were sent."""
    notices = list(
        Notice.objects.for_organization(organization_id)
        .filter(pk__in=notice_ids, mailed_at__isnull=True)
        .select_related("recipient", "organization")
    )
    preferences = preferences_of(organization_id, [n.recipient_id for n in notices])
    due = [
        n
        for n in notices
        if n.recipient.is_active and n.recipient.email and preferences[n.recipient_id].wants_mail(n.kind)
    ]
    if not due:
        return 0
    # The town's language, whoever's request happened to trigger the sending.
    with translation.override(settings.LANGUAGE_CODE):
        messages = [notice_message(n) for n in due]
    with get_connection() as connection:
        sent = connection.send_messages(messages) or 0
    Notice.objects.for_organization(organization_id).filter(pk__in=[n.pk for n in due]).update(mailed_at=timezone.now())
    return sent
