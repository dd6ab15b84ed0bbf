"""Forms of the reorganisation pages: they validate; the services apply."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from suishin.core.forms import DateField, Form

from .models import DepartmentMapping, DraftDepartment, Reorganisation


class ReorganisationForm(Form):
    title = forms.CharField(label=_("名称"), max_length=200, help_text=_("例：令和8年度組織改編"))
    effective_on = DateField(label=_("施行日"), help_text=_("2026-04-01 の形で入力します。通常は4月1日です。"))
    note = forms.CharField(label=_("概要"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


def _node_choices(reorganisation: Reorganisation, exclude: DraftDepartment | None = None):
    nodes = DraftDepartment.objects.for_organization(reorganisation.organization_id).filter(
        reorganisation=reorganisation
    )
    if exclude is not None:
        nodes = nodes.exclude(pk=exclude.pk)
    return nodes.order_by("position", "code")


class DraftDepartmentForm(Form):
    code = forms.CharField(label=_("組織コード"), max_length=20)
    name = forms.CharField(label=_("組織名"), max_length=100)
    parent = forms.ModelChoiceField(
        label=_("上位組織"), queryset=DraftDepartment.objects.none(), required=False, empty_label=_("（なし：最上位）")
    )
    position = forms.IntegerField(label=_("表示順"), min_value=0, required=False)

    def __init__(self, *args, reorganisation: Reorganisation, node: DraftDepartment | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["parent"]).queryset = _node_choices(reorganisation, node)


class SuccessorsForm(Form):
    """One choice per department the draft closes: the department of the new tree that takes over."""

    def __init__(self, *args, reorganisation: Reorganisation, mappings: list[DepartmentMapping], **kwargs):
        super().__init__(*args, **kwargs)
        nodes = _node_choices(reorganisation)
        self.mappings = mappings
        for mapping in mappings:
            self.fields[f"successor_{mapping.old_department_id}"] = forms.ModelChoiceField(
                label=mapping.old_department.name,
                queryset=nodes,
                required=False,
                initial=mapping.successor_id,
                empty_label=_("（引継ぎ先なし）"),
            )

    def successors(self) -> dict:
        return {m.old_department_id: self.cleaned_data[f"successor_{m.old_department_id}"] for m in self.mappings}


class DraftImportForm(Form):
    file = forms.FileField(label=_("改編後の組織のファイル（.xlsx または CSV）"))


class ConfirmForm(Form):
    """A checkbox that a step which cannot be undone asks for; its label says what was checked."""

    confirm = forms.BooleanField(label=_("内容を確かめました"), required=True)

    LABELS = {"apply": _("施行する内容を確かめました"), "delete": _("この下書きを削除します")}

    def __init__(self, *args, prefix: str, **kwargs):
        kwargs["prefix"] = prefix
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = self.LABELS.get(prefix, self.fields["confirm"].label)


class TreeYearForm(Form):
    fiscal_year = forms.IntegerField(label=_("年度"), min_value=1926, max_value=2200, required=False)
