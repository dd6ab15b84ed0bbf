"""Reorganisations (組織改編): the department tree a town will have from a date, and what happened when
it took effect.

A reorganisation is prepared as a draft: its `DraftDepartment`s are the new tree, each either
carrying on an existing department (renamed or moved, `continues`) or new; every existing department
the draft does not carry on has a `DepartmentMapping` that names its successor in the new tree (a
merge), or none (closed with nothing to hand over). Applied, it keeps the tree before and after as
plain data (a past year's pages show the tree of that year) and the report of what moved; the departments
it closed keep their rows (`Department.closed_on`), so that what approved years name still points at them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from suishin.tenants.models import Department, TenantModel


class Reorganisation(TenantModel):
    """One change of the department tree, taking effect on `effective_on` (1 April, as a rule)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("下書き")
        SCHEDULED = "scheduled", _("施行予定")
        APPLIED = "applied", _("施行済み")

    title = models.CharField(_("名称"), max_length=200)
    effective_on = models.DateField(_("施行日"))
    note = models.TextField(_("概要"), blank=True)
    status = models.CharField(_("状態"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # The day the new tree took effect: the effective date, or the day it was applied if that was
    # earlier (「今すぐ施行」). A past day's tree is read against it.
    applied_on = models.DateField(_("施行した日"), null=True, blank=True)
    applied_at = models.DateTimeField(_("施行の処理日時"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("施行した人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Lists of {"id", "code", "name", "parent_id", "position"}, parents before children.
    tree_before = models.JSONField(_("施行前の組織"), default=list, blank=True)
    tree_after = models.JSONField(_("施行後の組織"), default=list, blank=True)
    report = models.JSONField(_("施行の報告"), default=dict, blank=True)

    class Meta:
        ordering = ["organization", "-effective_on", "-id"]
        constraints = [
            # One reorganisation in preparation at a time: two drafts of the same tree would each
            # carry on departments the other closes.
            models.UniqueConstraint(
                fields=["organization"],
                condition=~Q(status="applied"),
                name="reorganisation_one_in_preparation",
            ),
        ]
        verbose_name = _("組織改編")
        verbose_name_plural = _("組織改編")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reorganisation:detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_applied(self) -> bool:
        return self.status == self.Status.APPLIED


class DraftDepartment(TenantModel):
    """A department of a reorganisation's new tree."""

    reorganisation = models.ForeignKey(
        Reorganisation, verbose_name=_("組織改編"), on_delete=models.CASCADE, related_name="draft_departments"
    )
    continues = models.ForeignKey(
        Department,
        verbose_name=_("引き継ぐ現在の課"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("空欄は新しく設ける課です。"),
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上位組織"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    code = models.CharField(_("組織コード"), max_length=20)
    name = models.CharField(_("組織名"), max_length=100)
    position = models.PositiveIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["reorganisation", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["reorganisation", "code"], name="draft_department_code_unique"),
            models.UniqueConstraint(fields=["reorganisation", "name"], name="draft_department_name_unique"),
            models.UniqueConstraint(
                fields=["reorganisation", "continues"],
                condition=Q(continues__isnull=False),
                name="draft_department_continues_once",
            ),
        ]
        verbose_name = _("改編後の課")
        verbose_name_plural = _("改編後の課")

    def __str__(self) -> str:
        return self.name


class DepartmentMapping(TenantModel):
    """What becomes of an existing department the new tree does not carry on: its successor (the
    department its objects move to: a merge when several name the same one), or none."""

    reorganisation = models.ForeignKey(
        Reorganisation, verbose_name=_("組織改編"), on_delete=models.CASCADE, related_name="mappings"
    )
    old_department = models.ForeignKey(
        Department, verbose_name=_("廃止する課"), on_delete=models.PROTECT, related_name="+"
    )
    successor = models.ForeignKey(
        DraftDepartment,
        verbose_name=_("引継ぎ先"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
    )

    class Meta:
        ordering = ["reorganisation", "old_department__position", "old_department__code"]
        constraints = [
            models.UniqueConstraint(fields=["reorganisation", "old_department"], name="department_mapping_unique"),
        ]
        verbose_name = _("廃止する課の引継ぎ先")
        verbose_name_plural = _("廃止する課の引継ぎ先")

    def __str__(self) -> str:
        return f"{self.old_department_id} → {self.successor_id}"
