"""The audit log's names for what reorganisations write (registered from apps.py)."""

from django.utils.translation import gettext_lazy as _

from suishin.core.audit_events import register_audit_events

register_audit_events(
    {
        "reorganisation.create": _("組織改編の作成"),
        "reorganisation.update": _("組織改編の変更"),
        "reorganisation.delete": _("組織改編の削除"),
        "reorganisation.import": _("改編後の組織の取込み"),
        "reorganisation.schedule": _("組織改編の施行予定の確定"),
        "reorganisation.unschedule": _("組織改編の施行予定の取消し"),
        "reorganisation.apply": _("組織改編の施行"),
        "draft_department.create": _("改編後の課の追加"),
        "draft_department.update": _("改編後の課の変更"),
        "draft_department.close": _("改編で廃止する課の指定"),
        "draft_department.restore": _("廃止する課の取消し"),
        "department_mapping.update": _("廃止する課の引継ぎ先の変更"),
        "department.move": _("課の移動"),
        "department.close": _("課の廃止"),
    },
    fields={
        "effective_on": _("施行日"),
        "applied_on": _("施行した日"),
        "moved_rows": _("引き継いだもの"),
        "created": _("新設した課"),
        "renamed": _("名称を変えた課"),
        "moved": _("移した課"),
        "closed": _("廃止した課"),
        "closed_on": _("廃止日"),
        "departments": _("課の数"),
        "merged": _("統合する課"),
        "parent": _("上位組織"),
        "position": _("表示順"),
        "code": _("組織コード"),
        "name": _("組織名"),
        "title": _("名称"),
        "note": _("概要"),
    },
    change_verbs=["reorganisation.update", "draft_department.update", "department_mapping.update", "department.move"],
    list_fields=["moved_rows"],
)
