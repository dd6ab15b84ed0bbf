"""The DX plan (計画), its levels and items, goals, measures, roadmap (工程表) and revisions (改定)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from suishin.core.concurrency import Versioned
from suishin.core.fiscal_year import fiscal_years
from suishin.tenants.models import Department, TenantModel

MAX_LEVELS = 5  # levels of items above the measures
DEFAULT_LEVEL_NAMES = ["重点取組事項"]
DEFAULT_LEAF_NAME = "施策"


class Plan(Versioned, TenantModel):
    """A municipality's DX plan over a period of fiscal years."""

    title = models.CharField(_("計画名"), max_length=200)
    start_fy = models.PositiveIntegerField(_("計画期間（開始年度）"))
    end_fy = models.PositiveIntegerField(_("計画期間（終了年度）"))
    mission = models.TextField(_("計画の目的"), blank=True)
    vision = models.TextField(_("ビジョン"), blank=True)
    positioning = models.TextField(_("計画の位置づけ（根拠法令等）"), blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("元にした計画"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # What was carried from `based_on` and what was not (see services.carry_report), shown on the plan's
    # page until dismissed; the audit entry of its creation keeps it for good.
    carry_report = models.JSONField(_("引き継ぎの報告"), default=dict, blank=True)
    # The names of the levels above the measures, top first (上里町: ["重点取組事項"]; 神戸市: ["柱", "大項目",
    # "中項目"]); [] is a flat list of measures. The leaf's name is `leaf_name` (施策, 個別項目).
    level_names = models.JSONField(_("階層名"), default=list, blank=True)
    leaf_name = models.CharField(_("施策の呼び方"), max_length=20, default=DEFAULT_LEAF_NAME)

    class Meta:
        ordering = ["organization", "-start_fy", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(start_fy__lte=models.F("end_fy")), name="plan_period_ordered"),
        ]
        verbose_name = _("計画")
        verbose_name_plural = _("計画")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:plan_detail", args=[self.pk])

    @property
    def fiscal_years(self) -> list[int]:
        return fiscal_years(self.start_fy, self.end_fy)

    @property
    def depth(self) -> int:
        """How many levels of items the plan has above its measures (0 to 5)."""
        return len(self.level_names or [])


class Goal(Versioned, TenantModel):
    """取組目標: a value the plan pursues, in order."""

    plan = models.ForeignKey(Plan, verbose_name=_("計画"), on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveIntegerField(_("順番"), default=0)
    title = models.CharField(_("取組目標"), max_length=300)
    description = models.TextField(_("説明"), blank=True)
    items = models.ManyToManyField(
        "PlanItem", verbose_name=_("関係する項目"), through="GoalItem", related_name="goals", blank=True
    )

    class Meta:
        ordering = ["plan", "position", "id"]
        verbose_name = _("取組目標")
        verbose_name_plural = _("取組目標")

    def __str__(self) -> str:
        return self.title


class PlanItem(Versioned, TenantModel):
    """A heading of the plan above its measures, at one of the plan's levels (上里町: 重点取組事項;
    神戸市: 柱 → 大項目 → 中項目). Items of the plan's last level hold its measures.

    `number` is the town's own (「①」「(1)」「01」, or none), unique as a full path within the plan
    (checked by the services, see numbering.py); the primary key is the stable ID the Excel carries.
    """

    plan = models.ForeignKey(Plan, verbose_name=_("計画"), on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self", verbose_name=_("上位の項目"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("階層"), default=1)
    number = models.CharField(_("番号"), max_length=20, blank=True)
    position = models.PositiveIntegerField(_("順番"), default=0)
    title = models.CharField(_("項目名"), max_length=200)
    description = models.TextField(_("説明"), blank=True)
    cross_cutting = models.BooleanField(
        _("全ての項目に共通する取組"),
        default=False,
        help_text=_("BPRの徹底のように、全ての項目に共通する取組のときに選びます。"),
    )

    class Meta:
        ordering = ["plan", "level", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=MAX_LEVELS), name="plan_item_level_range"
            ),
        ]
        verbose_name = _("計画の項目")
        verbose_name_plural = _("計画の項目")

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def label(self) -> str:
        """The item as a plan prints it: 「① 市民サービス改革」, or the title alone."""
        return item_label(self.number, self.title)


def item_label(number: str, title: str) -> str:
    return f"{number} {title}" if number else title


class Stage(models.TextChoices):
    DIGITIZATION = "digitization", _("デジタイゼーション")
    DIGITALIZATION = "digitalization", _("デジタライゼーション")
    TRANSFORMATION = "transformation", _("DX")


STAGE_UNSET_LABEL = _("未設定")


def stage_labels() -> dict[str, str]:
    """Return each 段階's label by value, "" (not set: a town need not give one) as 「未設定」."""
    return {"": str(STAGE_UNSET_LABEL)} | {value: str(label) for value, label in Stage.choices}


class Measure(Versioned, TenantModel):
    """施策・事業 with its logic model: 課題 → 要因・根拠 → 取組内容 → 効果見込み・目標."""

    plan = models.ForeignKey(Plan, verbose_name=_("計画"), on_delete=models.CASCADE, related_name="measures")
    # The item of the plan's last level the measure belongs to; none in a plan without levels.
    item = models.ForeignKey(
        PlanItem,
        verbose_name=_("項目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
    )
    number = models.CharField(
        _("施策番号"),
        max_length=20,
        blank=True,
        help_text=_("町の書き方の番号です（例：01-02、①）。上位の項目の番号と合わせて計画の中で重複できません。"),
    )
    position = models.PositiveIntegerField(_("順番"), default=0)
    title = models.CharField(_("施策名"), max_length=200)
    problem = models.TextField(_("課題"), blank=True)
    causes = models.TextField(_("想定される要因・根拠"), blank=True)
    actions = models.TextField(_("具体的な取組内容"), blank=True)
    expected_effects = models.TextField(_("効果見込み・目標"), blank=True)
    stage = models.CharField(_("段階"), max_length=20, choices=Stage.choices, blank=True, default="")
    national_kpi_note = models.TextField(_("国のKPI・参考"), blank=True)
    departments = models.ManyToManyField(
        Department,
        verbose_name=_("担当課"),
        through="MeasureDepartment",
        related_name="measures",
    )

    class Meta:
        ordering = ["plan", "position", "number"]
        verbose_name = _("施策")
        verbose_name_plural = _("施策")

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("plans:measure_detail", args=[self.pk])

    @property
    def stage_label(self) -> str:
        return stage_labels().get(self.stage, self.stage)


class MeasureDepartment(TenantModel):
    """A department that owns a measure."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="ownerships")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="measure_ownerships")

    class Meta:
        ordering = ["measure", "department__position", "department__code"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "department"], name="measure_department_unique"),
        ]
        verbose_name = _("担当課")
        verbose_name_plural = _("担当課")

    def __str__(self) -> str:
        return f"{self.measure_id}:{self.department_id}"


class GoalItem(TenantModel):
    """An item of the plan that a goal (取組目標) is served by."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="item_links")
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="goal_links")

    class Meta:
        ordering = ["goal", "item__level", "item__position"]
        constraints = [models.UniqueConstraint(fields=["goal", "item"], name="goal_item_unique")]
        verbose_name = _("取組目標の項目")
        verbose_name_plural = _("取組目標の項目")

    def __str__(self) -> str:
        return f"{self.goal_id}:{self.item_id}"


class RoadmapEntry(Versioned, TenantModel):
    """工程表: a labelled span of a measure over fiscal years."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("施策"), on_delete=models.CASCADE, related_name="roadmap_entries"
    )
    label = models.CharField(_("取組内容（工程表の表示）"), max_length=200)
    start_fy = models.PositiveIntegerField(_("開始年度"))
    end_fy = models.PositiveIntegerField(_("終了年度"))
    position = models.PositiveIntegerField(_("順番"), default=0)

    class Meta:
        ordering = ["measure", "start_fy", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_fy__lte=models.F("end_fy")), name="roadmap_entry_span_ordered"
            ),
        ]
        verbose_name = _("工程表の取組")
        verbose_name_plural = _("工程表の取組")

    def __str__(self) -> str:
        return f"{self.label} ({self.start_fy}–{self.end_fy})"

    def clean(self) -> None:
        if self.start_fy and self.end_fy and self.start_fy > self.end_fy:
            raise ValidationError({"end_fy": _("終了年度は開始年度以降にしてください。")})


class PlanRevision(TenantModel):
    """改定: a revision of the plan, proposed as a draft, submitted, and decided by the body that
    decides revisions (see plans/workflows.py). A decided revision is frozen and stays readable."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("下書き")
        RETURNED = "returned", _("差戻し")
        DECISION = "decision", _("決定待ち")
        APPROVED = "approved", _("決定")

    plan = models.ForeignKey(Plan, verbose_name=_("計画"), on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("版"))
    status = models.CharField(_("状態"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_on = models.DateField(_("改定日"))
    decided_by = models.CharField(_("決定した会議体"), max_length=200, blank=True)
    note = models.TextField(_("改定の概要"), blank=True)
    # 新旧対照表's 改定の理由 for single changes, by the change's key (snapshots.Change.key); `note` is the
    # reason for the whole revision.
    change_reasons = models.JSONField(_("変更ごとの改定の理由"), default=dict, blank=True)
    snapshot = models.JSONField(_("内容"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公開した人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_revision_number_unique"),
        ]
        verbose_name = _("改定")
        verbose_name_plural = _("改定")

    def __str__(self) -> str:
        return f"{self.plan} 第{self.number}版"

    def get_absolute_url(self) -> str:
        return reverse("plans:revision_detail", args=[self.pk])
