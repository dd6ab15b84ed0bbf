"""Form fields every app uses instead of Django's model choice fields.

Django reads a select's choices with `QuerySet.iterator()`, which on PostgreSQL opens a server-side
cursor: four round trips (declare, fetch, fetch, close) for a list of twenty departments, on every
page with a filter. These fields read their choices with one ordinary query instead, and keep them
for the rest of the request.
"""

from django import forms
from django.forms.models import ModelChoiceIterator


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
