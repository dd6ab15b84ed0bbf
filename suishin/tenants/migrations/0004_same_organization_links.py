from django.db import migrations

from suishin.core.tenancy import SameOrganizationLinks


class Migration(migrations.Migration):
    dependencies = [("tenants", "0003_membership_unique_with_null_department")]

    operations = [
        SameOrganizationLinks("department", ["parent"]),
        SameOrganizationLinks("membership", ["department"]),
    ]
