"""Who may prepare, schedule and apply a reorganisation. Every view of this app calls one of these first.

The admin and the secretariat prepare a reorganisation (the draft tree, the successors) and schedule
it; applying it now, before the daily command does on its date, is the admin's, as every other write
of departments is. Anyone of the organization may read the tree of a year.
"""

from suishin.tenants.access import get_in_organization
from suishin.tenants.actor import Actor
from suishin.tenants.models import Role
from suishin.tenants.policy import Policy, RoleRight

from .models import DepartmentMapping, DraftDepartment, Reorganisation


class ReorganisationPolicy(Policy):
    model = Reorganisation
    roles = {
        "reorganisation.view": (RoleRight(Role.ADMIN), RoleRight(Role.SECRETARIAT)),
        "reorganisation.edit": (RoleRight(Role.ADMIN), RoleRight(Role.SECRETARIAT)),
        "reorganisation.apply": (RoleRight(Role.ADMIN),),
    }


policy = ReorganisationPolicy()


def access_reorganisation(actor: Actor, reorganisation_id) -> Reorganisation:
    """Return the organization's reorganisation, or 404 (missing and another town's alike)."""
    return get_in_organization(Reorganisation.objects.all(), actor, reorganisation_id)


def access_draft_department(actor: Actor, node_id) -> DraftDepartment:
    return get_in_organization(
        DraftDepartment.objects.select_related("reorganisation", "continues", "parent"), actor, node_id
    )


def access_mapping(actor: Actor, mapping_id) -> DepartmentMapping:
    return get_in_organization(
        DepartmentMapping.objects.select_related("reorganisation", "old_department"), actor, mapping_id
    )


def can_edit(actor: Actor) -> bool:
    return policy.user_has_permission(actor, "reorganisation.edit")


def can_apply(actor: Actor) -> bool:
    return policy.user_has_permission(actor, "reorganisation.apply")
