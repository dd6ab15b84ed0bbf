"""Revisions published before the decision workflow existed were decided: mark them so."""

from django.db import migrations


def mark_decided(apps, schema_editor):
    apps.get_model("plans", "PlanRevision").objects.update(status="approved")


class Migration(migrations.Migration):
    dependencies = [("plans", "0005_revision_status")]

    operations = [migrations.RunPython(mark_decided, migrations.RunPython.noop)]
