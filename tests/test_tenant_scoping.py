"""App code reaches tenant data only through scoped lookups.

`Model.objects` on a tenant-owned model is unscoped: one forgotten filter shows another town's
rows. Outside the access functions, app code must narrow it first with `for_organization(...)`
(or create rows, which carry their organization). Related managers reached from an object that
was already scoped (`plan.measures`) are fine and are not what this test looks at.
"""

import ast
import pathlib

from django.apps import apps

import suishin

ROOT = pathlib.Path(suishin.__file__).parent
# Calls on `Model.objects` that need no scope: writes of rows that each name their organization, and
# the empty queryset. A line that is scoped otherwise says why in a comment starting "# scoped:".
WRITES = {"create", "bulk_create", "for_organization", "none"}
MARKER = "# scoped:"
# Modules that are the access functions themselves, or work across organizations by their nature.
ALLOWED = {
    "core/jobs.py": "the worker's own lookup of the job it was handed",
    "core/backup.py": "backs up and restores every organization",
    "core/audit.py": "appends to the audit log",
    "core/restore_drill.py": "compares every organization's data and exports before and after a restore",
    "core/management/commands/queue_health.py": "the operators' view of every organization's job queue",
    "tenants/actor.py": "finds the user's memberships in every organization: the actor's organization comes from here",
    "demo/management/commands/load_demo.py": "builds the demo organization",
    "demo/management/commands/bench_seed.py": "builds the benchmark's organizations",
}


def tenant_model_names() -> set[str]:
    names = set()
    for model in apps.get_models():
        field_names = {f.name for f in model._meta.get_fields()}
        if "organization" in field_names and model._meta.app_label in {"core", "tenants", "plans"} | {
            c.label for c in apps.get_app_configs() if c.name.startswith("suishin.")
        }:
            names.add(model.__name__)
    return names


def unscoped_uses(path: pathlib.Path, models: set[str]) -> list[str]:
    found = []
    source = path.read_text()
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source, str(path))):
        # Model.objects.<method>
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "objects"
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id in models
            and node.attr not in WRITES
            and MARKER not in lines[node.lineno - 1]
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value.value.id}.objects.{node.attr}")
    return found


def app_modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in relative or "/migrations/" in relative or path.name == "access.py":
            continue
        if relative in ALLOWED:
            continue
        yield path


def test_app_code_never_uses_an_unscoped_tenant_manager():
    models = tenant_model_names()
    assert {"Plan", "Measure", "Department", "Membership", "Job"} <= models
    found = [use for path in app_modules() for use in unscoped_uses(path, models)]
    assert found == [], "narrow with .for_organization(...) or go through an access function"


def test_the_check_finds_an_unscoped_use(tmp_path):
    """The check itself works: a view that lists every town's plans is caught."""
    sample = tmp_path / "views.py"
    sample.write_text(
        "def plans(request):\n    return Plan.objects.filter(title='x')\n"
        "def touch(plan_id):\n    Plan.objects.filter(pk=plan_id).update(v=1)  # scoped: the caller's plan\n"
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert unscoped_uses(sample, {"Plan"}) == ["views.py:2 Plan.objects.filter"]
        assert unscoped_uses(sample, {"Measure"}) == []
    finally:
        ROOT = saved
