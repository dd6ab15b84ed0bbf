"""Every tenant-owned table carries a NOT NULL organization; the exceptions are listed with a reason."""

import datetime as dt

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from suishin.plans.models import Plan
from suishin.tenants.link_guards import existing_triggers, tenant_links, trigger_name
from suishin.tenants.models import Organization, TenantQuerySet

EXEMPT = {
    "tenants.Organization": "the tenant itself",
    "core.AuditLog": "also records events before an organization is known (failed logins); nullable on purpose",
    "core.WorkerBeat": "the background workers' own sign of life, not any organization's data",
}


def project_models():
    return [m for m in apps.get_models() if m.__module__.startswith("suishin.")]


def test_every_tenant_owned_model_has_a_required_organization():
    missing = []
    for model in project_models():
        if model._meta.label in EXEMPT:
            continue
        try:
            field = model._meta.get_field("organization")
        except Exception:
            missing.append(model._meta.label)
            continue
        if field.null or field.related_model is not Organization:
            missing.append(model._meta.label)
    assert missing == []


def test_every_tenant_owned_model_has_the_tenant_queryset():
    for model in project_models():
        if model._meta.label in EXEMPT:
            continue
        assert isinstance(model.objects.all(), TenantQuerySet), model._meta.label


def test_exemptions_name_real_models():
    labels = {m._meta.label for m in project_models()}
    assert set(EXEMPT) <= labels


def trigger_names() -> set[str]:
    from django.db import connection

    return {name for name, _table in existing_triggers(connection)}


@pytest.mark.django_db
def test_every_link_between_tenant_rows_is_guarded_in_the_database():
    """Every link of the installed models is guarded, whatever the migrations did to the tables."""
    names = trigger_names()
    unguarded = [
        f"{model._meta.label}.{field.name}"
        for model, field in tenant_links()
        if not any(n.startswith(trigger_name(model._meta.db_table, field.column)) for n in names)
    ]
    assert len(tenant_links()) >= 10
    assert unguarded == []


@pytest.mark.django_db(transaction=False)
def test_the_database_refuses_a_link_to_another_organizations_row(cast, plan, other_plan):
    """Even a write that skips the services cannot point a row at another town's row."""
    from suishin.plans.tests.factories import decided_revision
    from tests.test_url_access import objects_of

    for town, its_plan in ((cast.town, plan), (cast.other, other_plan)):
        decided_revision(town, its_plan, dt.date(2023, 4, 1))
        Plan.objects.filter(pk=its_plan.pk).update(based_on=its_plan)  # a same-town link is fine
        objects_of(town)  # every app's objects (a reorganisation's draft, say), as its access cases make them
    for model, field in tenant_links():
        if not model.__module__.startswith("suishin."):
            continue  # the test-only app checks its own link (tests/test_new_app.py)
        row = model.objects.filter(organization=cast.town.organization).first()
        target = field.related_model.objects.filter(organization=cast.other.organization).first()
        assert row is not None and target is not None, field
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.filter(pk=row.pk).update(**{field.name: target})
        with pytest.raises(IntegrityError), transaction.atomic():
            copy = model.objects.filter(pk=row.pk).values()[0]
            copy.pop("id")
            copy[field.attname] = target.pk
            model.objects.bulk_create([model(**copy)])
