"""Forms of the shared pages."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditLogFilterForm(forms.Form):
    verb = forms.CharField(label=_("操作"), required=False, max_length=80, help_text=_("例：measure.update"))
    username = forms.CharField(label=_("ユーザー名"), required=False, max_length=150)
    since = forms.DateField(label=_("開始日"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("終了日"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("since") and cleaned.get("until") and cleaned["since"] > cleaned["until"]:
            self.add_error("until", _("終了日は開始日以降にしてください。"))
        return cleaned

    def filter(self, entries):
        data = self.cleaned_data
        if data["verb"]:
            entries = entries.filter(verb__startswith=data["verb"])
        if data["username"]:
            entries = entries.filter(actor_username=data["username"])
        zone = timezone.get_current_timezone()
        if data["since"]:
            entries = entries.filter(created_at__gte=dt.datetime.combine(data["since"], dt.time.min, zone))
        if data["until"]:
            entries = entries.filter(created_at__lt=dt.datetime.combine(data["until"], dt.time.max, zone))
        return entries
