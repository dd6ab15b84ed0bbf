"""Forms of the staff register pages."""

from typing import cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suishin.core.forms import DateField, Form
from suishin.tenants.forms_admin import DepartmentChoiceField, open_departments
from suishin.tenants.models import Department, Membership

from .models import Person, Rank


class PersonForm(Form):
    kind = forms.ChoiceField(label=_("区分"), choices=Person.Kind.choices, initial=Person.Kind.STAFF)
    name = forms.CharField(label=_("氏名"), max_length=100)
    name_kana = forms.CharField(label=_("ふりがな"), max_length=100, required=False)
    staff_number = forms.CharField(
        label=_("職員番号"), max_length=20, required=False, help_text=_("職員は必須です。個人情報として扱われます。")
    )
    department = DepartmentChoiceField(queryset=Department.objects.none(), label=_("所属課"), required=False)
    rank = forms.ModelChoiceField(queryset=Rank.objects.none(), label=_("職位"), required=False)
    job_level = forms.IntegerField(label=_("級"), min_value=1, max_value=20, required=False)
    is_head = forms.BooleanField(label=_("所属長"), required=False)
    moved_on = DateField(
        label=_("発令日"),
        required=False,
        initial=timezone.localdate,
        help_text=_("所属・職位・級・所属長が変わるとき、異動履歴にこの日付で残ります（空欄なら今日）。"),
    )
    affiliation = forms.CharField(label=_("所属（外部の方）"), max_length=100, required=False)
    email = forms.EmailField(label=_("メールアドレス"), required=False)
    left_on = DateField(label=_("退職日"), required=False)

    def __init__(self, *args, organization, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        departments = open_departments(organization)
        if person is not None and person.department_id:  # a closed department stays shown as it was
            departments = Department.objects.for_organization(organization).filter(
                pk__in=[*departments.values_list("pk", flat=True), person.department_id]
            )
        cast(forms.ModelChoiceField, self.fields["department"]).queryset = departments.order_by("position", "code")
        cast(forms.ModelChoiceField, self.fields["rank"]).queryset = Rank.objects.for_organization(organization)

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if data.get("kind") == Person.Kind.STAFF and not data.get("staff_number"):
            self.add_error("staff_number", _("職員には職員番号が必要です。"))
        return data

    def person_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("moved_on", None)
        return data


class PersonFilterForm(Form):
    q = forms.CharField(label=_("氏名・ふりがな"), required=False, max_length=100)
    department = DepartmentChoiceField(
        queryset=Department.objects.none(), label=_("所属課"), required=False, empty_label=_("すべて")
    )
    min_rank = forms.ModelChoiceField(
        queryset=Rank.objects.none(), label=_("職位（この職位以上）"), required=False, empty_label=_("すべて")
    )
    left = forms.BooleanField(label=_("退職した職員も表示する"), required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["department"]).queryset = Department.objects.for_organization(
            organization
        ).order_by("position", "code")
        cast(forms.ModelChoiceField, self.fields["min_rank"]).queryset = Rank.objects.for_organization(organization)


class StaffImportForm(Form):
    file = forms.FileField(
        label=_("職員名簿のファイル（.xlsx または CSV）"),
        help_text=_(
            "見本の形式で、職員番号・氏名・ふりがな・所属課・職位・級・所属長・発令日・メールアドレス・退職日の列。"
        ),
    )


class RankForm(Form):
    name = forms.CharField(label=_("職位"), max_length=50, help_text=_("例：課長補佐"))
    level = forms.IntegerField(
        label=_("序列"),
        min_value=1,
        max_value=999,
        help_text=_("大きいほど上位です（既定：部長 60、課長 50、主幹 40、主査 30、主任 20、主事 10）。"),
    )

    def __init__(self, *args, organization, rank=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization, self.rank = organization, rank

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        others = Rank.objects.for_organization(self.organization)
        if self.rank is not None:
            others = others.exclude(pk=self.rank.pk)
        if data.get("name") and others.filter(name=data["name"]).exists():
            self.add_error("name", _("この職位はすでに登録されています。"))
        if data.get("level") is not None and others.filter(level=data["level"]).exists():
            self.add_error("level", _("この序列はほかの職位が使っています。別の数にしてください。"))
        return data


class RankMoveForm(Form):
    direction = forms.ChoiceField(label=_("移す向き"), choices=[("up", _("上へ")), ("down", _("下へ"))])


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.username}（{obj.first_name}）" if obj.first_name else obj.username


class PersonUserForm(Form):
    """Choose a login of the organization that no person of its register has yet."""

    user = UserChoiceField(
        queryset=get_user_model().objects.none(),
        label=_("ログイン（ユーザー）"),
        help_text=_("この団体のユーザーのうち、まだ職員に結びついていないものから選びます。"),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        members = Membership.objects.for_organization(organization).values("user_id")
        linked = Person.objects.for_organization(organization).exclude(user=None).values("user_id")
        users = get_user_model().objects.filter(pk__in=members).exclude(pk__in=linked).order_by("username")
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = users
