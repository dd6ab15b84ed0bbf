"""Forms of the notices pages."""

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
        self.fields["kinds"].choices = [
            (kind, MailPreference._meta.get_field(MailPreference.field_for(kind)).verbose_name) for kind in Kind.values
        ]
