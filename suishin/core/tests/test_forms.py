import importlib
import inspect
import pkgutil

from django import forms
from django.http import QueryDict

import suishin
from suishin.core.forms import CleanTextMixin, Form


class Sample(Form):
    name = forms.CharField(max_length=5)
    body = forms.CharField(widget=forms.Textarea, required=False)
    secret = forms.CharField(widget=forms.PasswordInput, strip=False, required=False)
    count = forms.IntegerField(required=False)


def test_every_text_field_is_cleaned_before_validation_but_passwords_are_kept():
    data = QueryDict(mutable=True)
    data.update({"name": "ab\x0bcde", "body": "1\r\n2\r3\x1f\t4", "secret": "p\x0bw\r\n", "count": "3"})
    form = Sample(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"name": "abcde", "body": "1\n2\n3\t4", "secret": "p\x0bw\r\n", "count": 3}


def test_plain_dict_data_and_prefixes_are_cleaned():
    form = Sample({"x-name": "a\r\nb", "x-body": "c\x00"}, prefix="x")
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["name"], form.cleaned_data["body"]) == ("a\nb", "c")


def test_every_form_of_the_app_cleans_text():
    """A new form that forgets the cleaner fails here (accounts, plans, core, tenants, …)."""
    missing, seen = [], 0
    for module_info in pkgutil.walk_packages(suishin.__path__, "suishin."):
        if not module_info.name.endswith(".forms"):
            continue
        module = importlib.import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, forms.BaseForm):
                seen += 1
                if not issubclass(cls, CleanTextMixin):
                    missing.append(f"{module.__name__}.{cls.__name__}")
    assert seen >= 10
    assert missing == []
