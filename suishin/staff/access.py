"""Who may read and change the staff register. Staff numbers and personal fields are personal data
(SECURITY.md #25): 管理者 and 事務局 read them; 管理者 change them."""

from django.db.models import Q

from suishin.tenants.access import get_in_organization
from suishin.tenants.actor import Actor
from suishin.tenants.models import Role
from suishin.tenants.policy import Policy, RoleRight

from .models import Person, Rank


class StaffPolicy(Policy):
    model = Person
    roles = {
        "staff.view": (RoleRight(Role.ADMIN), RoleRight(Role.SECRETARIAT)),
        "staff.edit": (RoleRight(Role.ADMIN),),
    }

    def departments_of(self, instance) -> set[int]:
        return {instance.department_id} if getattr(instance, "department_id", None) else set()

    def departments_q(self, department_ids) -> Q:
        return Q(department_id__in=list(department_ids))


STAFF = StaffPolicy()


def access_person(actor: Actor, person_id) -> Person:
    """Return the person of the actor's organization, or 404 (missing and another town's alike)."""
    return get_in_organization(Person.objects.select_related("department", "rank", "user"), actor, person_id)


def access_rank(actor: Actor, rank_id) -> Rank:
    """Return the 職位 of the actor's organization, or 404 (missing and another town's alike)."""
    return get_in_organization(Rank.objects.all(), actor, rank_id)
