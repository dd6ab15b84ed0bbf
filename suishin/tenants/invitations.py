"""One-time links by mail: a new user's or a reset password's link, and the first admin of a new town."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _


def mail_password_link(user, url: str, *, organization=None) -> bool:
    """Mail `url` to the user if they have an address; return whether a mail was sent.

    The sender is the organization's (団体の設定) or the site's default. The link itself is never logged.
    """
    if not user.email:
        return False
    sender = (getattr(organization, "mail_sender", "") or settings.DEFAULT_FROM_EMAIL) if organization else None
    name = organization.name if organization is not None else "Suishin"
    send_mail(
        subject=_("【%(name)s】Suishin のパスワードを設定してください") % {"name": name},
        message=_(
            "%(user)s 様\n\n次のリンクから Suishin のパスワードを設定してください。"
            "リンクは一度だけ使えます。\n\n%(url)s\n"
        )
        % {"user": user.first_name or user.username, "url": url},
        from_email=sender or settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
        fail_silently=False,
    )
    return True
