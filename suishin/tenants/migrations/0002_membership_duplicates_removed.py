"""Remove memberships that repeat another one (possible while NULL departments escaped the unique
constraint), before the next migration forbids them."""

from django.db import migrations


def remove_duplicates(apps, schema_editor):
    Membership = apps.get_model("tenants", "Membership")
    seen = set()
    for membership in Membership.objects.order_by("pk"):
        key = (membership.user_id, membership.organization_id, membership.role, membership.department_id)
        if key in seen:
            membership.delete()
        else:
            seen.add(key)


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]

    operations = [migrations.RunPython(remove_duplicates, migrations.RunPython.noop)]
