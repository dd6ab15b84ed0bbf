"""The staff register (職員名簿): every employee, whether or not they log in, with their ranks and moves.

Staff numbers and the other personal fields are personal data (SECURITY.md #25): only the roles the
staff policy names may read them (`access.py`), and they never go into URLs or the audit log.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from suishin.tenants.models import Department, TenantModel

# 職位 a new organization starts with, from the most senior; `level` orders them, so that
# 「主査級以上」 is `rank__level__gte=<主査's level>`.
DEFAULT_RANKS = [("部長", 60), ("課長", 50), ("主幹", 40), ("主査", 30), ("主任", 20), ("主事", 10)]


class Rank(TenantModel):
    """A 職位 of an organization; a higher `level` is more senior."""

    name = models.CharField(_("職位"), max_length=50)
    level = models.PositiveSmallIntegerField(_("序列"), help_text=_("大きいほど上位です。"))

    class Meta:
        ordering = ["organization", "-level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="rank_name_unique"),
            models.UniqueConstraint(fields=["organization", "level"], name="rank_level_unique"),
        ]
        verbose_name = _("職位")
        verbose_name_plural = _("職位")

    def __str__(self) -> str:
        return self.name


class Person(TenantModel):
    """A person of the organization: an employee (職員), or someone from outside who logs in
    (評議会委員、アドバイザー)."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("職員")
        EXTERNAL = "external", _("外部の方")

    kind = models.CharField(_("区分"), max_length=20, choices=Kind.choices, default=Kind.STAFF)
    name = models.CharField(_("氏名"), max_length=100)
    name_kana = models.CharField(_("ふりがな"), max_length=100, blank=True)
    staff_number = models.CharField(_("職員番号"), max_length=20, blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("所属課"), on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    rank = models.ForeignKey(
        Rank, verbose_name=_("職位"), on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    job_level = models.PositiveSmallIntegerField(_("級"), null=True, blank=True)
    is_head = models.BooleanField(_("所属長"), default=False)
    affiliation = models.CharField(_("所属（外部の方）"), max_length=100, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    left_on = models.DateField(_("退職日"), null=True, blank=True)
    # The login of this person, if they have one (a user may be a person in several organizations).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ユーザー"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )

    class Meta:
        ordering = ["organization", "name_kana", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "staff_number"],
                condition=~models.Q(staff_number=""),
                name="person_staff_number_unique",
            ),
            models.UniqueConstraint(
                fields=["organization", "user"], condition=models.Q(user__isnull=False), name="person_user_unique"
            ),
        ]
        verbose_name = _("職員")
        verbose_name_plural = _("職員")

    def __str__(self) -> str:
        return self.name


class StaffMove(TenantModel):
    """A person's department, rank and headship from `moved_on` on (異動・昇任の履歴)."""

    person = models.ForeignKey(Person, verbose_name=_("職員"), on_delete=models.CASCADE, related_name="moves")
    moved_on = models.DateField(_("発令日"))
    department = models.ForeignKey(
        Department, verbose_name=_("所属課"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rank = models.ForeignKey(
        Rank, verbose_name=_("職位"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    job_level = models.PositiveSmallIntegerField(_("級"), null=True, blank=True)
    is_head = models.BooleanField(_("所属長"), default=False)

    class Meta:
        ordering = ["organization", "person", "-moved_on", "-pk"]
        verbose_name = _("異動履歴")
        verbose_name_plural = _("異動履歴")

    def __str__(self) -> str:
        return f"{self.person_id}:{self.moved_on}"
