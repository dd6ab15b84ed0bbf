"""The audit log's names for workflow transitions (registered from apps.py)."""

from django.utils.translation import gettext_lazy as _

from suishin.core.audit_events import register_audit_events

register_audit_events(
    {"workflow.transition": _("状態の変更")},
    fields={"action": _("操作"), "from": _("前の状態"), "to": _("後の状態"), "skipped": _("省略した段階")},
)
