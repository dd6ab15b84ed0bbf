"""Notices a person received (one row per recipient) and the mail they want for each kind."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from suishin.tenants.models import TenantModel


class Kind(models.TextChoices):
    """The kinds of suishin.core.registry.NOTICE_KINDS, named for people (a test keeps them equal)."""

    TASK = "task", _("自分の作業")
    RETURN = "return", _("差戻し")
    DEADLINE = "deadline", _("期限")
    INFO = "info", _("お知らせ")


class Notice(TenantModel):
    """One notice to one person: what happened and where (`url`), never the content itself."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("受信者"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("種類"), max_length=20, choices=Kind.choices)
    verb = models.CharField(_("出来事"), max_length=80)
    summary = models.CharField(_("内容"), max_length=300)
    url = models.CharField(_("リンク先"), max_length=500)
    target_type = models.CharField(_("対象の種類"), max_length=80, blank=True)
    target_id = models.CharField(_("対象のID"), max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    read_at = models.DateTimeField(_("既読日時"), null=True, blank=True)
    mailed_at = models.DateTimeField(_("メール送信日時"), null=True, blank=True)
    # Set for reminders: one notice per recipient and key (the item and the day), so a reminder
    # command run twice on one day stores, and mails, nothing the second time.
    once_key = models.CharField(_("重複防止キー"), max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "recipient", "-created_at"], name="notice_inbox"),
            models.Index(
                fields=["organization", "recipient"], condition=models.Q(read_at__isnull=True), name="notice_unread"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "recipient", "once_key"],
                condition=~models.Q(once_key=""),
                name="notice_once_per_key",
            ),
            models.CheckConstraint(condition=models.Q(kind__in=Kind.values), name="notice_kind_known"),
        ]
        verbose_name = _("お知らせ")
        verbose_name_plural = _("お知らせ")

    def __str__(self) -> str:
        return self.summary

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class MailPreference(TenantModel):
    """Which kinds of notice a user also wants by e-mail, in one organization (no row: the defaults)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ユーザー"), on_delete=models.CASCADE, related_name="+"
    )
    mail_task = models.BooleanField(_("自分の作業（提出・確認の依頼など）"), default=True)
    mail_return = models.BooleanField(_("差戻し"), default=True)
    mail_deadline = models.BooleanField(_("期限のリマインダー"), default=True)
    mail_info = models.BooleanField(_("その他のお知らせ"), default=False)

    class Meta:
        ordering = ["organization", "user"]
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="mail_preference_unique")]
        verbose_name = _("メール通知の設定")
        verbose_name_plural = _("メール通知の設定")

    def __str__(self) -> str:
        return f"{self.user} / {self.organization_id}"

    @staticmethod
    def field_for(kind: str) -> str:
        return f"mail_{kind}"

    def wants_mail(self, kind: str) -> bool:
        return bool(getattr(self, self.field_for(kind)))

    @property
    def mailed_kinds(self) -> set[str]:
        return {kind for kind in Kind.values if self.wants_mail(kind)}
