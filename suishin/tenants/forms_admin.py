"""Forms of the organization's administration pages: departments, users, settings."""

from email.utils import parseaddr

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suishin.core.forms import DateField, Form

from .models import Department, Role


def open_departments(organization):
    return Department.objects.for_organization(organization).filter(closed_on=None).order_by("position", "code")


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.code}）"


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=Role.choices, label=_("役割"), **kwargs)


class UserFields(Form):
    """What every user form asks: roles and department, checked together."""

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = open_departments(organization)

    def clean(self):
        data = super().clean()
        if Role.DEPARTMENT in (data.get("roles") or []) and not data.get("department"):
            self.add_error("department", _("担当課の役割には所属課が必要です。"))
        return data


class PersonLoginForm(UserFields):
    username = forms.CharField(
        label=_("ユーザー名"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("ログインに使う名前。半角英数字と @ . + - _ が使えます。"),
    )
    roles = RolesField()
    department = DepartmentChoiceField(queryset=Department.objects.none(), label=_("所属課"), required=False)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError(_("このユーザー名はすでに使われています。"))
        return username


class UserCreateForm(PersonLoginForm):
    full_name = forms.CharField(label=_("氏名"), max_length=150)
    email = forms.EmailField(label=_("メールアドレス"), required=False)
    field_order = ["username", "full_name", "email", "roles", "department"]


class UserEditForm(UserFields):
    full_name = forms.CharField(label=_("氏名"), max_length=150)
    email = forms.EmailField(label=_("メールアドレス"), required=False)
    roles = RolesField()
    department = DepartmentChoiceField(queryset=Department.objects.none(), label=_("所属課"), required=False)


class UserFilterForm(Form):
    q = forms.CharField(label=_("ユーザー名・氏名"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("役割"), required=False, choices=[("", _("すべて")), *Role.choices])
    department = DepartmentChoiceField(
        queryset=Department.objects.none(), label=_("所属課"), required=False, empty_label=_("すべて")
    )
    active = forms.ChoiceField(
        label=_("状態"),
        required=False,
        choices=[("", _("すべて")), ("yes", _("利用中")), ("no", _("利用停止"))],
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.for_organization(organization).order_by(
            "position", "code"
        )


class MfaResetForm(Form):
    confirmation_code = forms.CharField(
        label=_("あなたの確認コード"),
        max_length=16,
        help_text=_("操作するあなた自身の認証アプリの6桁の数字、またはバックアップコード"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordResetForm(Form):
    LINK, TEMPORARY = "link", "temporary"

    method = forms.ChoiceField(
        label=_("再設定の方法"),
        choices=[
            (LINK, _("一度だけ使えるリンク（本人が新しいパスワードを設定します）")),
            (TEMPORARY, _("仮パスワード（次のログインで本人が変更します）")),
        ],
        initial=LINK,
        required=False,  # a confirmation without a choice makes the link, as before there was a choice
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, allow_temporary: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_temporary:  # one's own password is changed on the change page, not given temporarily
            self.fields["method"].choices = [c for c in self.fields["method"].choices if c[0] != self.TEMPORARY]

    def clean_method(self):
        return self.cleaned_data["method"] or self.LINK


class DepartmentForm(Form):
    code = forms.CharField(label=_("組織コード"), max_length=20)
    name = forms.CharField(label=_("組織名"), max_length=100)
    parent = DepartmentChoiceField(
        queryset=Department.objects.none(), label=_("上位組織"), required=False, empty_label=_("なし（最上位）")
    )
    position = forms.IntegerField(label=_("表示順"), min_value=0, max_value=1_000_000, required=False)

    def __init__(self, *args, organization, department=None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = open_departments(organization)
        if department is not None:
            parents = parents.exclude(pk=department.pk)
        self.fields["parent"].queryset = parents
        self.organization, self.department = organization, department

    def clean(self):
        data = super().clean()
        others = Department.objects.for_organization(self.organization)
        if self.department is not None:
            others = others.exclude(pk=self.department.pk)
        if data.get("code") and others.filter(code=data["code"]).exists():
            self.add_error("code", _("この組織コードはすでに使われています。"))
        # Only open departments hold their name: a closed one keeps it for history, and a new one may reuse it.
        stays_open = self.department is None or not self.department.is_closed
        if data.get("name") and stays_open and others.filter(name=data["name"], closed_on=None).exists():
            self.add_error("name", _("この組織名は現行の組織ですでに使われています。"))
        return data


class DepartmentCloseForm(Form):
    closed_on = DateField(label=_("廃止日"), initial=timezone.localdate)


class DepartmentMergeForm(Form):
    target = DepartmentChoiceField(queryset=Department.objects.none(), label=_("統合先"))
    closed_on = DateField(label=_("統合日（この組織の廃止日）"), initial=timezone.localdate)

    def __init__(self, *args, organization, department, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = open_departments(organization).exclude(pk=department.pk)


class OrganizationSettingsForm(Form):
    name = forms.CharField(label=_("団体名"), max_length=100)
    population = forms.IntegerField(label=_("人口"), min_value=0, max_value=100_000_000, required=False)
    plan_level_names = forms.CharField(
        label=_("計画の階層名（新しい計画の既定）"),
        required=False,
        max_length=300,
        help_text=_("上位の階層から順に「、」で区切って入力します（5つまで）。例：柱、大項目、中項目"),
    )
    mail_sender = forms.CharField(
        label=_("メールの差出人"),
        required=False,
        max_length=200,
        help_text=_("例：上里町DX推進 <dx@town.example.lg.jp>"),
    )
    mfa_required_roles = forms.MultipleChoiceField(
        label=_("二要素認証を求める役割（管理者のほかに）"),
        required=False,
        choices=[c for c in Role.choices if c[0] != Role.ADMIN],
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_plan_level_names(self):
        text = self.cleaned_data["plan_level_names"]
        names = [n.strip() for n in text.replace(",", "、").replace("，", "、").split("、") if n.strip()]
        if len(names) > 5:
            raise ValidationError(_("階層は5つまでです。"))
        if any(len(n) > 30 for n in names):
            raise ValidationError(_("階層名はそれぞれ30文字以内にしてください。"))
        if len(set(names)) != len(names):
            raise ValidationError(_("同じ階層名が重なっています。"))
        return names

    def clean_mail_sender(self):
        text = self.cleaned_data["mail_sender"].strip()
        if text:
            _name, address = parseaddr(text)
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError(_("差出人のメールアドレスの形が正しくありません。")) from None
        return text
