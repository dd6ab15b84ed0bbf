"""Select choices are read with one plain query per request, however often the select is rendered."""

from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suishin.core.fields import ModelChoiceField, ModelMultipleChoiceField
from suishin.tenants.models import Department


class DepartmentForm(forms.Form):
    one = ModelChoiceField(queryset=None, required=False, empty_label="すべての課")
    many = ModelMultipleChoiceField(queryset=None, required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("one", "many"):
            self.fields[name].queryset = Department.objects.for_organization(organization).order_by("position")


def test_each_select_reads_its_choices_once(cast):
    organization = cast.town.organization
    form = DepartmentForm(organization=organization)
    with CaptureQueriesContext(connection) as queries:
        first, again = str(form["one"]), str(form["one"])
        many = str(form["many"])
    assert len(queries) == 2  # one per field, not one per rendering
    assert first == again
    names = list(Department.objects.for_organization(organization).order_by("position").values_list("name", flat=True))
    assert first.index("すべての課") < first.index(names[0]) < first.index(names[-1])
    assert all(name in many for name in names)


def test_validation_still_refuses_another_towns_department(cast):
    other = Department.objects.exclude(organization=cast.town.organization).first()
    form = DepartmentForm({"one": other.pk, "many": [other.pk]}, organization=cast.town.organization)
    assert not form.is_valid()
    assert set(form.errors) == {"one", "many"}
