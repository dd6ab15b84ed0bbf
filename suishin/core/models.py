"""Models shared by every app: timestamps and the audit log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from suishin.core.tenancy import TenantManager


class BaseModel(models.Model):
    """Abstract base with creation and update times."""

    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        abstract = True


class AuditLogQuerySet(models.QuerySet):
    def for_organization(self, organization) -> "AuditLogQuerySet":
        """Narrow to the entries of `organization` (an Organization or its id; None matches nothing)."""
        if organization is None:
            return self.none()
        return self.filter(organization_id=getattr(organization, "pk", organization))

    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditLog(models.Model):
    """One thing someone did: who, what, on which object, in which organization, when."""

    created_at = models.DateTimeField(_("日時"), auto_now_add=True, db_index=True)
    organization = models.ForeignKey(
        "tenants.Organization",
        verbose_name=_("団体"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField(_("ユーザー名"), max_length=150, blank=True)
    verb = models.CharField(_("操作"), max_length=80, db_index=True)
    target_type = models.CharField(_("対象の種類"), max_length=80, blank=True)
    target_id = models.CharField(_("対象ID"), max_length=40, blank=True)
    target_repr = models.CharField(_("対象"), max_length=300, blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IPアドレス"), null=True, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("監査ログ")
        verbose_name_plural = _("監査ログ")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_username} {self.verb}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")


class Job(models.Model):
    """A piece of long work (an import, a big export) run by the background worker.

    The page that started it shows its progress; the upload it works on is kept in the database,
    so any app server or worker can pick it up.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("待機中")
        RUNNING = "running", _("実行中")
        DONE = "done", _("完了")
        FAILED = "failed", _("失敗")

    class Phase(models.TextChoices):
        READING = "reading", _("読み込み")
        CHECKING = "checking", _("確認")
        WRITING = "writing", _("書き込み")

    class Failure(models.TextChoices):
        INPUT = "input", _("入力の問題")
        SYSTEM = "system", _("システムの問題")

    organization = models.ForeignKey(
        "tenants.Organization", verbose_name=_("団体"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("開始日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("開始した人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("種類"), max_length=50)
    title = models.CharField(_("内容"), max_length=200)
    target_id = models.PositiveBigIntegerField(_("対象ID"))
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("進捗（%）"), default=0)
    payload = models.BinaryField(_("入力ファイル"), blank=True, default=b"")
    result = models.JSONField(_("結果"), default=dict, blank=True)
    result_url = models.CharField(_("結果のページ"), max_length=300, blank=True)
    start_url = models.CharField(_("開始したページ"), max_length=300, blank=True)
    phase = models.CharField(_("段階"), max_length=10, choices=Phase.choices, blank=True)
    failure = models.CharField(_("失敗の原因"), max_length=10, choices=Failure.choices, blank=True)
    # Liveness: the worker running the job writes `heartbeat_at` every few seconds (suishin/core/worker.py);
    # a job whose heartbeat stops is recovered by `jobs_recover_stale`.
    heartbeat_at = models.DateTimeField(_("最終応答"), null=True, blank=True)
    worker_id = models.CharField(_("実行しているワーカー"), max_length=64, blank=True)
    task_result_id = models.CharField(_("タスクID"), max_length=64, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("再実行の回数"), default=0)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("バックグラウンド処理")
        verbose_name_plural = _("バックグラウンド処理")

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class WorkerBeat(models.Model):
    """A background worker's sign of life: when it last looked for work and last reported.

    Not tenant data: one row per worker process, read by `manage.py queue_health`.
    """

    worker_id = models.CharField(_("ワーカー"), max_length=64, unique=True)
    host = models.CharField(_("ホスト"), max_length=255)
    pid = models.PositiveIntegerField(_("プロセスID"))
    queues = models.CharField(_("キュー"), max_length=200)
    started_at = models.DateTimeField(_("起動日時"))
    last_poll_at = models.DateTimeField(_("最後にキューを見た日時"), null=True, blank=True)
    last_beat_at = models.DateTimeField(_("最終応答"))

    class Meta:
        ordering = ["-last_beat_at"]
        verbose_name = _("ワーカーの稼働状況")
        verbose_name_plural = _("ワーカーの稼働状況")

    def __str__(self) -> str:
        return self.worker_id
