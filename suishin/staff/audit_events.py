"""The audit log's names for the staff register's events (registered from apps.py)."""

from django.utils.translation import gettext_lazy as _

from suishin.core.audit_events import register_audit_events

register_audit_events(
    {
        "staff.create": _("職員の登録"),
        "staff.update": _("職員の変更"),
        "staff.import": _("職員名簿の一括取込み"),
        "staff.login_create": _("職員のログインの作成"),
        "staff.link_user": _("職員とユーザーの結びつけ"),
        "staff.ranks_create": _("職位の登録（既定）"),
    },
    fields={
        "changed": _("変更した項目"),
        "moved": _("異動・昇任"),
        "created": _("追加"),
        "updated": _("更新"),
        "moves": _("異動・昇任の件数"),
        "unchanged": _("変更なし"),
        "username": _("ユーザー名"),
    },
)

register_audit_events({"staff.export": _("職員名簿のダウンロード（個人情報）")}, fields={"format": _("形式")})
