"""Table columns (suishin.tabular) that name an organization's departments."""

from collections.abc import Callable

from django.db.models import F

from suishin.tabular.columns import LookupColumn

from .models import Department


def departments_by(field: str) -> Callable[[dict], dict]:
    """Return a `find` for LookupColumn: the context's organization's departments by `field` ("name" or
    "code"), giving each department's id.

    A closed department keeps its name, and a new department may take it again: a name then means the
    open department (and among closed ones, the one closed last), so the dict is filled in that order.
    """

    def find(context: dict) -> dict:
        departments = Department.objects.for_organization(context["organization"])
        ordered = departments.order_by(F("closed_on").asc(nulls_last=True), "pk")
        return dict(ordered.values_list(field, "pk"))

    return find


def DepartmentColumn(*, by: str = "name", **options) -> LookupColumn:  # noqa: N802 - reads as a column type
    """A column naming departments (課・局) of the organization by name or code; the row keeps their ids."""
    return LookupColumn(find=departments_by(by), **options)
