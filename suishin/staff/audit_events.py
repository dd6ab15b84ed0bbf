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
        "staff.unlink_user": _("職員とユーザーの結びつけの解除"),
        "staff.rank_create": _("職位の登録"),
        "staff.rank_update": _("職位の変更"),
        "staff.rank_move": _("職位の順番の変更"),
        "staff.rank_delete": _("職位の削除"),
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

RANK_FIELDS = {"name": _("職位"), "level": _("序列"), "neighbour": _("入れ替えた職位")}
register_audit_events(
    fields_by_verb={
        verb: RANK_FIELDS for verb in ("staff.rank_create", "staff.rank_update", "staff.rank_move", "staff.rank_delete")
    },
    change_verbs=["staff.rank_update", "staff.rank_move"],
)

register_audit_events({"staff.export": _("職員名簿のダウンロード（個人情報）")}, fields={"format": _("形式")})
