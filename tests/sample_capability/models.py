from django.db import models

from suishin.tenants.models import Department, TenantModel


class SampleItem(TenantModel):
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=100)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title
