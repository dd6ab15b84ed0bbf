"""Every tenant-owned table carries a NOT NULL organization; the exceptions are listed with a reason."""

from django.apps import apps

from suishin.tenants.models import Organization, TenantQuerySet

EXEMPT = {
    "tenants.Organization": "the tenant itself",
    "core.AuditLog": "also records events before an organization is known (failed logins); nullable on purpose",
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
