"""The queryset every tenant-owned model uses: views narrow it to the user's organization."""

from django.db import models


class TenantQuerySet(models.QuerySet):
    def for_organization(self, organization) -> "TenantQuerySet":
        """Narrow to the rows of `organization` (an Organization or its id; None matches nothing)."""
        if organization is None:
            return self.none()
        return self.filter(organization_id=getattr(organization, "pk", organization))


TenantManager = models.Manager.from_queryset(TenantQuerySet)

