"""Forms of the shared pages."""

import datetime as dt
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .stored_dates import FIRST_DATE, LAST_DATE
from .text_input import clean_text


def cleans_text(field: forms.Field) -> bool:
    """Return whether CleanTextMixin cleans `field`: every text field but passwords, kept as typed."""
    return isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput)


if TYPE_CHECKING:
    _FormBase = forms.BaseForm  # the mixin is only ever mixed into forms
else:
    _FormBase = object


class CleanTextMixin(_FormBase):
    """Run every text field's submitted value through `clean_text` before the form validates it.

    So CRLF from a browser's textarea is stored as LF (and max_length counts what is stored), and
    a vertical tab pasted from Word never reaches the database. Every form of the app uses it.
    """

    def full_clean(self):
        if self.is_bound:
            self.data = self._text_cleaned_data()
        super().full_clean()

    def _text_cleaned_data(self):
        # Bound data is a QueryDict or a dict (the stubs say Mapping); both copy, the QueryDict mutable.
        data = self.data.copy()  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            if not cleans_text(field):
                continue
            key = self.add_prefix(name)
            if hasattr(data, "setlist"):
                if key in data:
                    data.setlist(key, [clean_text(v) if isinstance(v, str) else v for v in data.getlist(key)])
            elif isinstance(data.get(key), str):
                data[key] = clean_text(data[key])
        return data


class Form(CleanTextMixin, forms.Form):
    """The app's base form: text input is cleaned (see CleanTextMixin)."""


class DateField(forms.DateField):
    """A date typed as 2024-05-01, refused with a message naming the field unless the app can show it.

    Dates before 昭和 or after FY2200 are refused: besides being typos, the earliest ones cannot
    even be turned into a time-zone-aware moment (0001-01-01 in Tokyo is before year 1 in UTC).
    """

    widget = forms.DateInput(attrs={"type": "date"})

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("min", FIRST_DATE.isoformat())
        self.widget.attrs.setdefault("max", LAST_DATE.isoformat())

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(
                _("「%(field)s」の「%(value)s」は日付として読めません。2024-05-01 の形で入力してください。"),
                code="invalid",
                params={"field": self.label, "value": value},
            ) from None

    def validate(self, value):
        super().validate(value)
        if value is not None and not FIRST_DATE <= value <= LAST_DATE:
            raise ValidationError(
                _("「%(field)s」は%(first)sから%(last)sまでの日付を入力してください（入力：%(value)s）。"),
                code="out_of_range",
                params={
                    "field": self.label,
                    "first": FIRST_DATE.isoformat(),
                    "last": LAST_DATE.isoformat(),
                    "value": value.isoformat(),
                },
            )


class AuditLogFilterForm(Form):
    verb = forms.CharField(
        label=_("操作"),
        required=False,
        max_length=80,
        help_text=_(
            "操作の記号で探します（先頭が一致するもの）。例：measure.update（施策の更新）、measure.（施策のすべて）"
        ),
    )
    username = forms.CharField(label=_("ユーザー名"), required=False, max_length=150)
    since = DateField(label=_("開始日"), required=False)
    until = DateField(label=_("終了日"), required=False)

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
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
