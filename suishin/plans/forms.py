"""Forms of the plan pages: they validate what people type; services apply it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from suishin.core.concurrency import VersionedFormMixin
from suishin.core.fields import FiscalYearField, ModelChoiceField, ModelMultipleChoiceField
from suishin.core.forms import CleanTextMixin, Form
from suishin.core.wareki import fiscal_year_label

from .models import STAGE_UNSET_LABEL, Plan, PlanItem, Stage
from .revision_dates import check_revision_date


class PeriodFormMixin(Form):
    start_fy = FiscalYearField(label=_("計画期間（開始年度）"))
    end_fy = FiscalYearField(label=_("計画期間（終了年度）"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_fy"), cleaned.get("end_fy")
        if start and end and start > end:
            self.add_error("end_fy", _("終了年度は開始年度以降にしてください。"))
        if start and end and end - start > 20:
            self.add_error("end_fy", _("計画期間は20年以内にしてください。"))
        return cleaned


class PlanCreateForm(PeriodFormMixin):
    TEMPLATE_CHOICES = [
        ("blank", _("白紙から作る")),
        ("mic_2020", _("国の自治体DX推進計画（初版・6項目）の重点取組事項から作る")),
        ("mic_2024", _("国の自治体DX推進計画（第2.3版・7項目）の重点取組事項から作る")),
        ("copy", _("この団体の以前の計画を写して作る")),
    ]
    title = forms.CharField(label=_("計画名"), max_length=200)
    template = forms.ChoiceField(label=_("作り方"), choices=TEMPLATE_CHOICES, widget=forms.RadioSelect, initial="blank")
    copy_from = ModelChoiceField(
        label=_("写す計画"), queryset=Plan.objects.none(), required=False, empty_label=_("（選んでください）")
    )
    level_names = forms.CharField(
        label=_("階層名（白紙から作るとき）"),
        required=False,
        max_length=200,
        help_text=_("上位の階層から順に「、」で区切ります（5つまで）。例：柱、大項目、中項目。空欄は階層なし。"),
    )

    field_order = ["title", "start_fy", "end_fy", "template", "copy_from", "level_names"]

    def __init__(self, *args, plans=None, level_names=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].queryset = plans if plans is not None else Plan.objects.none()
        self.fields["level_names"].initial = "、".join(level_names)

    def clean_level_names(self):
        return split_level_names(self.cleaned_data["level_names"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("template") == "copy" and not cleaned.get("copy_from"):
            self.add_error("copy_from", _("写す計画を選んでください。"))
        return cleaned


class PlanForm(VersionedFormMixin, PeriodFormMixin):
    title = forms.CharField(label=_("計画名"), max_length=200)
    mission = forms.CharField(label=_("計画の目的"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    vision = forms.CharField(label=_("ビジョン"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    positioning = forms.CharField(
        label=_("計画の位置づけ（根拠法令等）"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    field_order = ["title", "start_fy", "end_fy", "vision", "mission", "positioning", "version"]


class GoalForm(CleanTextMixin, VersionedFormMixin):
    title = forms.CharField(label=_("取組目標"), max_length=300)
    description = forms.CharField(label=_("説明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    position = forms.IntegerField(label=_("順番"), min_value=0, max_value=999, initial=1)
    items = ModelMultipleChoiceField(
        label=_("この目標に資する項目"),
        queryset=PlanItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        items = item_choices(plan)
        if items is None:
            del self.fields["items"]
        else:
            self.fields["items"].queryset = items
            self.fields["items"].label_from_instance = item_path_label(plan)


def item_choices(plan: Plan, level: int | None = None):
    """The plan's items (of `level`, if given) in plan order for a choice field, or None when it has none."""
    if not plan.depth:
        return None
    items = PlanItem.objects.for_organization(plan.organization_id).filter(plan=plan)
    if level is not None:
        items = items.filter(level=level)
    return items.order_by("level", "position", "id")


def item_path_label(plan: Plan):
    """Label an item by its level's name and its label: 「中項目 ① 行政手続きの電子化」."""
    names = list(plan.level_names)

    def label(item: PlanItem) -> str:
        name = names[item.level - 1] if 0 < item.level <= len(names) else ""
        return f"{name} {item.label}".strip()

    return label


class PlanLevelsForm(CleanTextMixin, VersionedFormMixin):
    """The names of the plan's levels, top first, and what its measures are called."""

    level_names = forms.CharField(
        label=_("階層名"),
        required=False,
        max_length=200,
        help_text=_("上位の階層から順に「、」で区切ります（5つまで）。例：柱、大項目、中項目。空欄は階層なし。"),
    )
    leaf_name = forms.CharField(label=_("施策の呼び方"), max_length=20, help_text=_("例：施策、個別項目、事業"))

    def clean_level_names(self):
        return split_level_names(self.cleaned_data["level_names"])


def split_level_names(text: str) -> list[str]:
    """「柱、大項目、中項目」 (or with commas) as a list of names."""
    return [name.strip() for name in text.replace(",", "、").replace("，", "、").split("、") if name.strip()]


class PlanItemForm(CleanTextMixin, VersionedFormMixin):
    number = forms.CharField(
        label=_("番号"),
        max_length=20,
        required=False,
        help_text=_("計画に書く番号です（例：①、(1)、01）。空欄なら番号なし。"),
    )
    title = forms.CharField(label=_("項目名"), max_length=200)
    description = forms.CharField(label=_("説明"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    cross_cutting = forms.BooleanField(label=_("全ての項目に共通する取組（BPRの徹底など）"), required=False)
    position = forms.IntegerField(label=_("順番"), min_value=0, max_value=999, initial=1)

    def __init__(self, *args, plan: Plan, level: int, item: PlanItem | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan, self.item = plan, item
        name = plan.level_names[level - 1] if 0 < level <= plan.depth else _("項目")
        self.fields["title"].label = _("%(level)sの名前") % {"level": name}
        if level > 1:  # 「全てに共通する取組」 is a top-level heading (上里町's BPRの徹底)
            del self.fields["cross_cutting"]
        if item is not None and level > 1:
            # Moving an item: under another item of the level above.
            self.fields["parent"] = ModelChoiceField(
                label=_("上位の%(level)s") % {"level": plan.level_names[level - 2]},
                queryset=item_choices(plan, level=level - 1),
            )
            self.fields["parent"].label_from_instance = lambda parent: parent.label
            self.initial.setdefault("parent", item.parent_id)
            self.order_fields(["parent", "number", "title", "description", "position", "version"])


def _textarea(rows: int = 4):
    return forms.Textarea(attrs={"rows": rows})


class MeasureForm(CleanTextMixin, VersionedFormMixin):
    """The measure's logic model; secretariat users also choose its item, number and owners."""

    number = forms.CharField(
        label=_("施策番号"),
        max_length=20,
        required=False,
        help_text=_("計画に書く番号です（例：01-02、①）。空欄なら自動で付けます。"),
    )
    title = forms.CharField(label=_("施策名"), max_length=200)
    item = ModelChoiceField(label=_("項目"), queryset=PlanItem.objects.none())
    departments = ModelMultipleChoiceField(
        label=_("担当課"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("担当課を1つ以上選んでください。")},
    )
    problem = forms.CharField(label=_("課題"), widget=_textarea(), required=False)
    causes = forms.CharField(label=_("想定される要因・根拠"), widget=_textarea(), required=False)
    actions = forms.CharField(label=_("具体的な取組内容"), widget=_textarea(), required=False)
    expected_effects = forms.CharField(label=_("効果見込み・目標"), widget=_textarea(), required=False)
    stage = forms.ChoiceField(
        label=_("段階"),
        choices=[("", STAGE_UNSET_LABEL), *Stage.choices],
        widget=forms.RadioSelect,
        required=False,
        help_text=_("計画で段階を定めていないときは「未設定」のままにします。"),
    )
    national_kpi_note = forms.CharField(label=_("国のKPI・参考"), widget=_textarea(2), required=False)

    def __init__(self, *args, plan: Plan, departments, can_structure: bool, is_new: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        leaves = item_choices(plan, level=plan.depth)
        if leaves is None:
            del self.fields["item"]  # a plan without levels: measures stand on their own
        else:
            self.fields["item"].queryset = leaves
            self.fields["item"].label = plan.level_names[-1]
            self.fields["item"].label_from_instance = lambda item: item.label
        self.fields["title"].label = _("%(leaf)s名") % {"leaf": plan.leaf_name}
        self.fields["departments"].queryset = departments
        if not can_structure:
            self.fields.pop("item", None)
            del self.fields["departments"]
            del self.fields["number"]
        if is_new:
            del self.fields["version"]


class RoadmapEntryForm(CleanTextMixin, VersionedFormMixin):
    label = forms.CharField(label=_("取組内容（工程表に表示する文言）"), max_length=200)
    start_fy = forms.TypedChoiceField(label=_("開始年度"), coerce=int)
    end_fy = forms.TypedChoiceField(label=_("終了年度"), coerce=int)

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(year, fiscal_year_label(year)) for year in plan.fiscal_years]
        self.fields["start_fy"].choices = choices
        self.fields["end_fy"].choices = choices
        self.fields["start_fy"].error_messages["invalid_choice"] = _("計画期間の中の年度を選んでください。")
        self.fields["end_fy"].error_messages["invalid_choice"] = _("計画期間の中の年度を選んでください。")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_fy"), cleaned.get("end_fy")
        if start is not None and end is not None and start > end:
            self.add_error("end_fy", _("終了年度は開始年度以降にしてください。"))
        return cleaned


class RoadmapImportForm(Form):
    file = forms.FileField(label=_("工程表のExcelファイル（.xlsx）"))


class RevisionForm(Form):
    """A revision's 改定日, deciding body and summary (a draft, or one returned to be corrected)."""

    published_on = forms.DateField(label=_("改定日"), widget=forms.DateInput(attrs={"type": "date"}))
    decided_by = forms.CharField(
        label=_("決定する会議体"), max_length=200, required=False, help_text=_("例：行政改革推進本部")
    )
    note = forms.CharField(label=_("改定の概要"), widget=_textarea(3), required=False)

    def __init__(self, *args, plan: Plan, revision=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.revision = revision

    def clean_published_on(self):
        published_on = self.cleaned_data["published_on"]
        check_revision_date(self.plan, published_on, revision=self.revision)
        return published_on


class RevisionTransitionForm(Form):
    """One of the actions the actor may take on a revision now, with its comment (a reason for
    差戻し and 再開)."""

    action = forms.ChoiceField(label=_("操作"), widget=forms.HiddenInput)
    comment = forms.CharField(label=_("コメント"), widget=_textarea(2), required=False, max_length=2000)

    def __init__(self, *args, transitions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(t.action, t.label) for t in transitions]


class MeasureFilterForm(Form):
    department = ModelChoiceField(label=_("担当課"), queryset=None, required=False, empty_label=_("すべての課"))

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class RevisionCompareForm(Form):
    old = forms.ChoiceField(label=_("比べる元"))
    new = forms.ChoiceField(label=_("比べる先"))

    def __init__(self, *args, revisions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(r.pk), _("第%(n)s版（%(date)s）") % {"n": r.number, "date": r.published_on}) for r in revisions]
        choices.append(("current", _("編集中の内容")))
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices


MEASURE_FIELDS = [f for f in MeasureForm.base_fields if f not in ("version", "item", "departments", "number")]


class PlanRollOverForm(PeriodFormMixin):
    """The next plan started from this one: its name and period."""

    title = forms.CharField(label=_("次期計画の計画名"), max_length=200)

    field_order = ["title", "start_fy", "end_fy"]
