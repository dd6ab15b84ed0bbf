"""Form fields every app uses: a fiscal year typed as people write it, and model choice fields.

Django reads a select's choices with `QuerySet.iterator()`, which on PostgreSQL opens a server-side
cursor: four round trips (declare, fetch, fetch, close) for a list of twenty departments, on every
page with a filter. These fields read their choices with one ordinary query instead, and keep them
for the rest of the request.
"""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from suishin.core.wareki import WarekiError, parse_fiscal_year


class ChoicesInOneQuery(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField):
    iterator = ChoicesInOneQuery


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ChoicesInOneQuery


class FiscalYearField(forms.Field):
    """A fiscal year typed as 2023, 「2023年度」 or 「令和5年度」."""

    widget = forms.TextInput(attrs={"maxlength": 30, "inputmode": "text"})

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("例：2023、2023年度、令和5年度"))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = (value or "").strip() if isinstance(value, str) else value
        if value in self.empty_values:
            return None
        try:
            return parse_fiscal_year(value)
        except WarekiError as error:
            raise forms.ValidationError(str(error.args[0]), code="invalid_fiscal_year") from None
