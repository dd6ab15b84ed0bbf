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
