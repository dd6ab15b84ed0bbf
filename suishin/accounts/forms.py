from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from suishin.core.forms import CleanTextMixin, Form


class LoginForm(CleanTextMixin, AuthenticationForm):
    """Django's login form without autofocus, so that the skip link stays the first Tab stop.

    An expired temporary password (TEMPORARY_PASSWORD_TIMEOUT) is refused with the usual message of a
    wrong password: the admin must issue another.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.pop("autofocus", None)

    def confirm_login_allowed(self, user):
        from suishin.tenants.services import temporary_password_expired

        super().confirm_login_allowed(user)
        if temporary_password_expired(user):
            raise self.get_invalid_login_error()


class TokenForm(Form):
    token = forms.CharField(
        label=_("確認コード"),
        max_length=16,
        help_text=_("認証アプリに表示される6桁の数字、またはバックアップコード（8桁）"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
