"""Table columns (suishin.tabular) that name an organization's departments."""

from collections.abc import Callable

from suishin.tabular.columns import LookupColumn

from .models import Department


def departments_by(field: str) -> Callable[[dict], dict]:
    """Return a `find` for LookupColumn: the context's organization's departments by `field` ("name" or
    "code"), giving each department's id."""
    def find(context: dict) -> dict:
        return dict(Department.objects.for_organization(context["organization"]).values_list(field, "pk"))

    return find


def DepartmentColumn(*, by: str = "name", **options) -> LookupColumn:  # noqa: N802 - reads as a column type
    """A column naming departments (課・局) of the organization by name or code; the row keeps their ids."""
    return LookupColumn(find=departments_by(by), **options)
