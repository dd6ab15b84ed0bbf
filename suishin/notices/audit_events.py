"""The audit log's names for what the notices app writes (registered from apps.py)."""

from django.utils.translation import gettext_lazy as _

from suishin.core.audit_events import register_audit_events

from .models import MailPreference

register_audit_events(
    {
        "mail_preference.update": _("メール通知の設定の変更"),
        "notice.read": _("お知らせの既読"),
        "notice.read_all": _("お知らせをすべて既読"),
    },
    fields_by_verb={
        "mail_preference.update": {
            f.name: f.verbose_name for f in MailPreference._meta.fields if f.name.startswith("mail_")
        }
    },
    values={"reason": {"other_user": _("ほかの利用者の対象")}},
    change_verbs=["mail_preference.update"],
)
