"""The audit log's names for what the plan pages and services write (registered from apps.py)."""

from django.utils.translation import gettext_lazy as _

from suishin.core.audit_events import register_audit_events

from .models import STAGE_UNSET_LABEL, Stage
from .snapshots import MEASURE_FIELD_LABELS, PLAN_FIELD_LABELS

register_audit_events(
    {
        "plan.create": _("計画の作成"),
        "plan.update": _("計画の更新"),
        "plan.roll_over": _("次期計画への引き継ぎ"),
        "plan.carry_report_dismiss": _("引き継ぎの報告を閉じる"),
        "goal.create": _("取組目標の追加"),
        "goal.update": _("取組目標の更新"),
        "goal.delete": _("取組目標の削除"),
        "plan_item.create": _("計画の項目の追加"),
        "plan_item.update": _("計画の項目の更新"),
        "plan_item.delete": _("計画の項目の削除"),
        "plan.levels_update": _("計画の階層の変更"),
        # Entries written before plans had levels keep their names.
        "priority_area.create": _("重点取組事項の追加"),
        "priority_area.update": _("重点取組事項の更新"),
        "priority_area.delete": _("重点取組事項の削除"),
        "measure.create": _("施策の追加"),
        "measure.update": _("施策の更新"),
        "measure.delete": _("施策の削除"),
        "roadmap_entry.create": _("工程の追加"),
        "roadmap_entry.update": _("工程の更新"),
        "roadmap_entry.delete": _("工程の削除"),
        "roadmap.import": _("工程表の取り込み"),
        "plan_revision.publish": _("改定版の公開"),
        "plan_revision.create": _("改定案の作成"),
        "plan_revision.update": _("改定案の更新"),
        "plan_revision.reasons_update": _("改定の理由の更新"),
    },
    fields={
        "based_on": _("写した計画のID"),
        "measures": _("施策の数"),
        "departments": _("担当課"),
        "created": _("追加した施策"),
        "updated": _("更新した施策"),
        "unchanged": _("変更のない施策"),
        "reasons": _("書き換えた改定の理由の数"),
        "carry_report": _("引き継ぎの報告"),
        "items_created": _("追加した項目"),
        "items_renamed": _("名前・番号を変えた項目"),
        "items": _("関係する項目"),
        "level": _("階層"),
        "number": _("番号"),
        "parent": _("上位の項目"),
        "title": _("名前"),
    },
    fields_by_verb={
        "plan.update": PLAN_FIELD_LABELS,
        "measure.update": MEASURE_FIELD_LABELS,
        "roadmap_entry.update": {"before": _("変更前の工程")},
        "plan.levels_update": {"before": _("変更前の階層"), "after": _("変更後の階層")},
    },
    values={"stage": {"": STAGE_UNSET_LABEL, **dict(Stage.choices)}, "kind": {"roadmap_import": _("工程表の取り込み")}},
    change_verbs=["plan.update", "measure.update"],
    list_fields=["departments"],
)
