"""Forms of the notices pages."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from suishin.core.forms import Form

from .models import Kind, MailPreference


class MailPreferenceForm(Form):
    """Which kinds of notice also come by e-mail; every notice is shown in the app anyway."""

    kinds = forms.MultipleChoiceField(
        label=_("メールでも受け取るお知らせ"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("選ばなかった種類も、画面のお知らせ一覧には表示されます。"),
    )

    def __init__(self, *args, preference: MailPreference, **kwargs):
        kwargs.setdefault("initial", {"kinds": sorted(preference.mailed_kinds)})
        super().__init__(*args, **kwargs)
        labels = {f.name: f.verbose_name for f in MailPreference._meta.fields}
        kinds = cast(forms.MultipleChoiceField, self.fields["kinds"])
        kinds.choices = [(kind, labels[MailPreference.field_for(kind)]) for kind in Kind.values]
