"""The audit log's names for log-in and second-factor events (registered from apps.py)."""

from django.utils.translation import gettext_lazy as _

from suishin.core.audit_events import register_audit_events

register_audit_events(
    {
        "auth.login": _("ログイン"),
        "auth.logout": _("ログアウト"),
        "auth.login_failed": _("ログインの失敗"),
        "auth.locked_out": _("ログインの一時停止（失敗の繰り返し）"),
        "mfa.enrolled": _("二要素認証の登録"),
        "mfa.enroll_failed": _("二要素認証の登録の失敗"),
        "mfa.verified": _("二要素認証の確認"),
        "mfa.failed": _("二要素認証の失敗"),
    },
    fields={"username": _("入力されたユーザー名"), "device": _("確認の方法")},
    values={"device": {"TOTPDevice": _("認証アプリ"), "StaticDevice": _("バックアップコード")}},
)
