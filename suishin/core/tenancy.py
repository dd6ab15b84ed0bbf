"""The queryset every tenant-owned model uses: views narrow it to the user's organization."""

from django.db import models


class TenantQuerySet(models.QuerySet):
    def for_organization(self, organization) -> "TenantQuerySet":
        return self.filter(organization=organization)


TenantManager = models.Manager.from_queryset(TenantQuerySet)
