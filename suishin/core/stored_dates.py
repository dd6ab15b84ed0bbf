"""Find stored dates and fiscal years the app cannot show in 和暦 or take back as input.

Pages show such a value in Western form rather than fail, but it is still almost surely a typo
(0226-04-01 for 2026-04-01) stored before the forms checked it: `manage.py check_stored_dates`
lists each one so that an operator can correct it.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import models

from .fiscal_year import fiscal_year_bounds
from .wareki import ERAS, FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR

FIRST_DATE = ERAS[-1].start
LAST_DATE = fiscal_year_bounds(LAST_FISCAL_YEAR)[1]


@dataclass(frozen=True)
class StoredValue:
    """One stored value outside what the app shows: which model, row and field, and the value."""

    model: str
    pk: object
    field: str
    value: object

    def __str__(self) -> str:
        value = self.value.isoformat() if isinstance(self.value, dt.date) else self.value
        return f"{self.model} id={self.pk} {self.field}={value}"


def is_fiscal_year_field(field: models.Field) -> bool:
    """Return whether `field` holds a fiscal year (named `fiscal_year` or `…_fy` by convention)."""
    return isinstance(field, models.IntegerField) and (field.name == "fiscal_year" or field.name.endswith("_fy"))


def is_domain_date_field(field: models.Field) -> bool:
    """Return whether `field` holds a date people type (timestamps come from the clock, not checked)."""
    return isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)


def app_models() -> list[type[models.Model]]:
    """Return the concrete models of Suishin's own apps."""
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("suishin.")
        for model in config.get_models()
        if not model._meta.proxy
    ]


def find_unshowable_values(model_classes: Iterable[type[models.Model]] | None = None) -> Iterator[StoredValue]:
    """Yield every stored date before 昭和 or after FY LAST_FISCAL_YEAR, and every fiscal year outside
    FIRST_FISCAL_YEAR..LAST_FISCAL_YEAR, in every organization (one query per field)."""
    for model in model_classes if model_classes is not None else app_models():
        for field in model._meta.concrete_fields:
            low: dt.date | int
            high: dt.date | int
            if is_domain_date_field(field):
                low, high = FIRST_DATE, LAST_DATE
            elif is_fiscal_year_field(field):
                low, high = FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR
            else:
                continue
            outside = models.Q(**{f"{field.name}__lt": low}) | models.Q(**{f"{field.name}__gt": high})
            # The base manager: this operator's check looks at every organization on purpose.
            rows = model._base_manager.filter(outside).order_by("pk").values_list("pk", field.name)
            for pk, value in rows.iterator():
                yield StoredValue(model=model._meta.label, pk=pk, field=field.name, value=value)
