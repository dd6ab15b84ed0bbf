from django.db import migrations

from suishin.core.tenancy import SameOrganizationLinks


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_plan_outline_version"), ("tenants", "0004_same_organization_links")]

    operations = [
        SameOrganizationLinks("plan", ["based_on"]),
        SameOrganizationLinks("goal", ["plan"]),
        SameOrganizationLinks("priorityarea", ["plan"]),
        SameOrganizationLinks("measure", ["plan", "priority_area"]),
        SameOrganizationLinks("measuredepartment", ["measure", "department"]),
        SameOrganizationLinks("roadmapentry", ["measure"]),
        SameOrganizationLinks("planrevision", ["plan"]),
    ]
