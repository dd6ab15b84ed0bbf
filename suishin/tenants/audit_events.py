"""The audit log's names for organization, department and user events (registered from apps.py)."""

from django.utils.translation import gettext_lazy as _

from suishin.core.audit_events import register_audit_events

from .models import Role

register_audit_events(
    {
        "organization.create": _("団体の登録"),
        "organization.choose": _("操作する団体の切り替え"),
        "department.create": _("課の登録"),
        "department.update": _("課の変更"),
        "departments.import": _("組織の一括登録"),
        "user.create": _("ユーザーの登録"),
    },
    fields={"role": _("役割")},
    values={"role": dict(Role.choices)},
)

register_audit_events(
    {
        "department.move": _("課の移動"),
        "department.close": _("課の廃止"),
        "department.reopen": _("課の廃止の取消し"),
        "department.merge": _("課の統合"),
        "organization.settings_update": _("団体の設定の変更"),
        "user.update": _("ユーザーの変更"),
        "user.deactivate": _("ユーザーの利用停止"),
        "user.reactivate": _("ユーザーの利用再開"),
        "user.password_reset": _("パスワードの再設定（管理者）"),
        "user.password_set": _("パスワードの設定（招待・再設定のリンク）"),
        "user.password_temporary_set": _("仮パスワードの発行（管理者）"),
        "user.password_change": _("パスワードの変更（本人）"),
        "user.mfa_reset": _("二要素認証のリセット（管理者）"),
    },
    fields={
        "parent": _("上位組織"),
        "position": _("表示順"),
        "closed_on": _("廃止日"),
        "target": _("統合先"),
        "moved": _("移したもの"),
        "roles": _("役割"),
        "department": _("所属課"),
        "sessions_ended": _("終了したセッション"),
        "changed": _("変更した項目"),
        "temporary": _("仮パスワードからの変更"),
    },
)
