"""A database that has lived: the demo town, edits, a failed background task, awkward text, every table used.

Shared by the backup, portable-export and restore-drill tests.
"""

import datetime as dt
import io

from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from suishin.core.portable import portable_models
from suishin.plans.models import Measure, Plan, RoadmapEntry
from suishin.plans.services import measure_update
from suishin.tenants.models import Membership, Organization
from suishin.tenants.services import system_actor

FAILED_TRACEBACK = 'Traceback (most recent call last):\n  File "tasks.py", line 1\nValueError: 列が足りません\n'
AWKWARD_LABEL = "窓口\x0b予約 "  # a vertical tab as Word pastes a line break, and a trailing space
AWKWARD_NOTE = "KPI: 50%\r\n\t（参考）\n"


def every_kind_of_object() -> Plan:
    """Fill the database as described above and return the demo town's plan."""
    call_command("load_demo", "--quiet-logins", stdout=io.StringIO())
    town = Organization.objects.get(local_government_code="113859")
    plan = Plan.objects.get(organization=town)
    actor = system_actor(town)
    measure = Measure.objects.filter(plan=plan).order_by("number").first()
    measure_update(
        actor=actor,
        measure=measure,
        version=measure.version,
        data={"title": measure.title + "（改）", "national_kpi_note": "国の KPI"},
    )
    # Values as they may already be stored (input cleaning came later): written past the services.
    Measure.objects.filter(pk=measure.pk).update(national_kpi_note=AWKWARD_NOTE)
    RoadmapEntry.objects.create(
        organization=town, measure=measure, label=AWKWARD_LABEL, start_fy=plan.start_fy, end_fy=plan.start_fy + 1
    )
    _failed_task()
    group = Group.objects.create(name="監査")
    group.permissions.add(Permission.objects.first())
    user = Membership.objects.filter(organization=town).order_by("pk").first().user
    user.groups.add(group)
    user.user_permissions.add(Permission.objects.last())
    _every_apps_objects(town)
    for model in portable_models():
        if not model._base_manager.exists():
            fill_one_row(model)
    return plan


def _every_apps_objects(town) -> None:
    """Let every app make its objects of the demo town, as its access-matrix cases do (suishin.core.
    access_matrix): a new app's tables are filled with real rows without an edit here."""
    import importlib

    from suishin.core.registry import access_case_modules
    from suishin.tenants.models import Department, Role
    from suishin.tenants.tests.factories import Town

    users = {}
    for membership in Membership.objects.filter(organization=town).select_related("user").order_by("pk"):
        users.setdefault(membership.role, membership.user)
    cast_town = Town(
        town,
        list(Department.objects.filter(organization=town).order_by("position", "pk")),
        {
            "admin": users[Role.ADMIN],
            "secretariat": users[Role.SECRETARIAT],
            "committee": users[Role.COMMITTEE],
            "department": users[Role.DEPARTMENT],
            "department2": users[Role.DEPARTMENT],
            "council": users[Role.COUNCIL],
            "staff": users[Role.STAFF],
        },
    )
    for name in access_case_modules:
        importlib.import_module(name).objects_of(cast_town)


def _failed_task() -> None:
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    DBTaskResult.objects.create(
        status="FAILED",
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="suishin.plans.tasks.roadmap_import",
        queue_name="default",
        backend_name="default",
        run_after=now,
        started_at=now,
        finished_at=now + dt.timedelta(microseconds=123457),
        exception_class_path="builtins.ValueError",
        traceback=FAILED_TRACEBACK,
    )


def fill_one_row(model) -> None:
    """Give `model` one row of plain values (for tables the story above does not reach)."""
    values = {}
    for field in model._meta.local_concrete_fields:
        if field.primary_key and isinstance(field, models.AutoField | models.BigAutoField):
            continue
        if field.has_default() or field.null:
            continue
        if field.is_relation:
            values[field.attname] = field.related_model._base_manager.order_by("pk").values_list("pk", flat=True)[0]
        elif field.choices:
            values[field.attname] = field.choices[0][0]
        elif isinstance(field, models.CharField | models.TextField):
            values[field.attname] = f"{model._meta.model_name} の値"[: field.max_length or 100]
        elif isinstance(field, models.DateTimeField):
            values[field.attname] = timezone.now()
        elif isinstance(field, models.DateField):
            values[field.attname] = dt.date(2025, 4, 1)
        elif isinstance(field, models.BooleanField):
            values[field.attname] = True
        elif isinstance(field, models.IntegerField | models.FloatField | models.DecimalField):
            values[field.attname] = 1
    try:
        with transaction.atomic():
            model._base_manager.create(**values)
    except IntegrityError as error:
        raise AssertionError(f"add a row of {model._meta.label} to every_kind_of_object(): {error}") from None


def text_fields(model) -> list:
    """Return the model's stored text fields that hold free text (not its key, not a closed set of choices)."""
    return [
        f
        for f in model._meta.local_concrete_fields
        if isinstance(f, models.CharField | models.TextField) and not f.choices and not f.primary_key
    ]


def models_with_text() -> list:
    return [m for m in portable_models() if text_fields(m)]
