"""Organizations (自治体), their departments (課・局) and who works in them with which role."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from suishin.core.models import BaseModel
from suishin.core.tenancy import TenantManager, TenantQuerySet  # noqa: F401  (TenantQuerySet re-exported)
from suishin.tenants.local_government_code import validate_local_government_code


class Organization(BaseModel):
    """A prefecture or a municipality: one tenant of Suishin."""

    class Kind(models.TextChoices):
        PREFECTURE = "prefecture", _("都道府県")
        MUNICIPALITY = "municipality", _("市区町村")

    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices)
    local_government_code = models.CharField(
        _("全国地方公共団体コード"),
        max_length=6,
        unique=True,
        validators=[validate_local_government_code],
    )
    name = models.CharField(_("団体名"), max_length=100)
    prefecture = models.ForeignKey(
        "self",
        verbose_name=_("都道府県"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
        limit_choices_to={"kind": "prefecture"},
    )
    population = models.PositiveIntegerField(_("人口"), null=True, blank=True)
    # Bumped by the service frame in the transaction of every write of the organization's data
    # (see suishin.core.service): cached pages of the organization are keyed by it, so no writer has
    # to remember to invalidate them.
    content_version = models.PositiveBigIntegerField(default=0, editable=False)
    # Organisation settings (the admin's 団体の設定 page).
    plan_level_names = models.JSONField(
        _("計画の階層名（新しい計画の既定）"),
        default=list,
        blank=True,
        help_text=_("上位の階層から順に。例：柱、大項目、中項目"),
    )
    mail_sender = models.CharField(
        _("メールの差出人"), max_length=200, blank=True, help_text=_("例：上里町DX推進 <dx@town.example.lg.jp>")
    )
    # Roles that must confirm a second factor here, beyond those settings.MFA_REQUIRED_ROLES requires everywhere.
    mfa_required_roles = models.JSONField(_("二要素認証を求める役割（追加）"), default=list, blank=True)

    class Meta:
        ordering = ["local_government_code"]
        verbose_name = _("団体")
        verbose_name_plural = _("団体")

    def __str__(self) -> str:
        return self.name


class TenantModel(BaseModel):
    """Abstract base of every tenant-owned table: it carries its organization."""

    organization = models.ForeignKey(Organization, verbose_name=_("団体"), on_delete=models.PROTECT, related_name="+")

    objects = TenantManager()

    class Meta:
        abstract = True


class Department(TenantModel):
    """A 課 or 局 of an organization; a 局 is the parent of its 課."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("上位組織"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(_("組織コード"), max_length=20)
    name = models.CharField(_("組織名"), max_length=100)
    position = models.PositiveIntegerField(_("表示順"), default=0)
    # A closed department keeps its rows (and what past years show under its name); it takes no new ones.
    closed_on = models.DateField(_("廃止日"), null=True, blank=True)

    class Meta:
        ordering = ["organization", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="department_code_unique"),
            # A closed department keeps its name for history; a new department may take it again.
            models.UniqueConstraint(
                fields=["organization", "name"],
                condition=models.Q(closed_on__isnull=True),
                name="department_open_name_unique",
                violation_error_message=_("この組織名は現行の組織ですでに使われています。"),
            ),
        ]
        verbose_name = _("組織（課・局）")
        verbose_name_plural = _("組織（課・局）")

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


class Role(models.TextChoices):
    ADMIN = "admin", _("管理者")
    SECRETARIAT = "secretariat", _("事務局")
    COMMITTEE = "committee", _("推進委員")
    DEPARTMENT = "department", _("担当課")
    COUNCIL = "council", _("評議会")
    STAFF = "staff", _("職員")


class Membership(TenantModel):
    """A user's role in an organization; a department user also names their department."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ユーザー"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("所属課"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )

    class Meta:
        ordering = ["organization", "user", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role", "department"],
                condition=models.Q(department__isnull=False),
                name="membership_unique",
            ),
            # NULL is never equal to NULL in a unique index: a membership without a department
            # needs its own constraint, or the same role could be given twice.
            models.UniqueConstraint(
                fields=["user", "organization", "role"],
                condition=models.Q(department__isnull=True),
                name="membership_unique_without_department",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="department") | models.Q(department__isnull=False),
                name="membership_department_role_has_department",
            ),
        ]
        verbose_name = _("所属・役割")
        verbose_name_plural = _("所属・役割")

    def __str__(self) -> str:
        return f"{self.user} / {self.get_role_display()}"


class TemporaryPassword(TenantModel):
    """A temporary password an admin gave a user (shown to the admin once; only its hash is kept, on
    the user): until the user has chosen a password of their own, every page sends them to do so.

    `organization` is that of the admin who gave it; a user has at most one, whichever organization.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ユーザー"),
        on_delete=models.CASCADE,
        related_name="temporary_password",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("発行した管理者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["organization", "user"]
        verbose_name = _("仮パスワード")
        verbose_name_plural = _("仮パスワード")

    def __str__(self) -> str:
        return f"{self.user_id}"
