"""Rights over the organization's own administration: its departments, users and settings.

管理者 manage users and settings; 管理者 and 事務局 keep the department tree. Another organization's
object is never allowed, whatever the role (the Policy base asks that first).
"""

from django.db.models import Q

from suishin.tenants.models import Department, Role
from suishin.tenants.policy import Policy, RoleRight


class TenantAdminPolicy(Policy):
    model = Department
    roles = {
        "department.edit": (RoleRight(Role.ADMIN), RoleRight(Role.SECRETARIAT)),
        "department.view": (RoleRight(Role.ADMIN), RoleRight(Role.SECRETARIAT)),
        "user.manage": (RoleRight(Role.ADMIN),),
        "organization.settings": (RoleRight(Role.ADMIN),),
    }

    def departments_of(self, instance) -> set[int]:
        return {instance.pk} if isinstance(instance, Department) else set()

    def departments_q(self, department_ids) -> Q:
        return Q(pk__in=list(department_ids))


TENANT_ADMIN = TenantAdminPolicy()
