"""The history of every workflow transition: who, when, from → to, with what comment."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from suishin.tenants.models import TenantModel


class TransitionRecord(TenantModel):
    """One step an object took through its workflow (提出, 差戻し, 決定, 再開, or a skipped step)."""

    kind = models.CharField(_("種類"), max_length=80)  # the workflow's kind: the object's model label
    object_id = models.PositiveBigIntegerField(_("対象ID"))
    action = models.CharField(_("操作"), max_length=40)
    from_state = models.CharField(_("前の状態"), max_length=40)
    to_state = models.CharField(_("後の状態"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作した人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_name = models.CharField(_("操作した人の名前"), max_length=150, blank=True)
    comment = models.TextField(_("コメント"), blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)  # e.g. {"skipped": ["bureau"]}

    # Not stored: selectors.timeline_rows sets them for the timeline partial.
    action_label: str
    from_label: str
    to_label: str
    skipped_labels: list[str]

    class Meta:
        ordering = ["kind", "object_id", "created_at", "id"]
        indexes = [models.Index(fields=["organization", "kind", "object_id"], name="transition_object_idx")]
        verbose_name = _("状態の変更")
        verbose_name_plural = _("状態の変更")

    def __str__(self) -> str:
        return f"{self.kind}#{self.object_id} {self.from_state} → {self.to_state}"
