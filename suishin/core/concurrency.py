"""Optimistic locking: an edit saved over someone else's newer edit is refused."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _


class Versioned(models.Model):
    """A row that two people may edit at once: each save bumps `version` (see save_if_unchanged)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class ConcurrentEditError(ValidationError):
    """Raised when the object changed since the editor opened it."""


def save_if_unchanged(obj: Versioned, expected_version: int, fields: list[str]) -> None:
    """Save `fields` of `obj` and bump its version, unless its stored version is not `expected_version`.

    The version check and the write are one UPDATE, so two concurrent saves cannot both win.
    """
    values = {name: getattr(obj, name) for name in fields}
    if "updated_at" in {f.name for f in obj._meta.get_fields()}:
        from django.utils import timezone

        values["updated_at"] = timezone.now()
    updated = (
        type(obj)
        ._base_manager.filter(pk=obj.pk, version=expected_version)
        .update(version=models.F("version") + 1, **values)
    )
    if updated != 1:
        raise ConcurrentEditError(
            _("ほかの人がこの内容を先に更新しました。画面を開き直して、最新の内容を確認してから編集してください。"),
            code="concurrent_edit",
        )
    obj.version = expected_version + 1


class VersionedFormMixin(forms.Form):
    """Carry the version the editor started from in a hidden field."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
