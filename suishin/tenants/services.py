"""Create organizations, departments and memberships, with their audit entries."""

from django.contrib.auth import get_user_model

from suishin.core.audit import audit_record
from suishin.core.service import service
from suishin.tenants.access import deny, require_same_organization
from suishin.tenants.actor import Actor
from suishin.tenants.models import Department, Membership, Organization, Role


def system_actor(organization: Organization | None, *roles: str) -> Actor:
    """Return the actor of a management command working on `organization`."""
    return Actor(user=None, organization=organization, roles=frozenset(roles or (Role.ADMIN, Role.SECRETARIAT)))


@service
def organization_create(
    *,
    actor: Actor,
    kind: str,
    local_government_code: str,
    name: str,
    prefecture: Organization | None = None,
    population: int | None = None,
) -> Organization:
    """Create a tenant. Only the operators' command does this: a signed-in user never may."""
    if actor.user is not None:
        raise deny(actor, "organization.create")
    organization = Organization(
        kind=kind, local_government_code=local_government_code, name=name, prefecture=prefecture, population=population
    )
    organization.full_clean()
    organization.save()
    audit_record(actor=actor.user, organization=organization, verb="organization.create", target=organization)
    return organization


@service
def department_create(
    *,
    actor: Actor,
    organization: Organization,
    code: str,
    name: str,
    parent: Department | None = None,
    position: int = 0,
) -> Department:
    require_same_organization(actor, "department.create", organization, parent)
    if not actor.has_role(Role.ADMIN):
        raise deny(actor, "department.create")
    department = Department(organization=organization, code=code, name=name, parent=parent, position=position)
    department.full_clean()
    department.save()
    audit_record(actor=actor.user, organization=organization, verb="department.create", target=department)
    return department


@service
def department_update(*, actor: Actor, department: Department, code: str, name: str) -> Department:
    """Rename a department (its code and name); everything that shows it shows the new name."""
    require_same_organization(actor, "department.update", department)
    if not actor.has_role(Role.ADMIN):
        raise deny(actor, "department.update", department)
    before = {"code": department.code, "name": department.name}
    department.code, department.name = code, name
    department.full_clean()
    department.save(update_fields=["code", "name", "updated_at"])
    audit_record(
        actor=actor.user,
        organization=department.organization,
        verb="department.update",
        target=department,
        data={k: [before[k], getattr(department, k)] for k in before if before[k] != getattr(department, k)},
    )
    return department


@service
def user_create_with_role(
    *,
    actor: Actor,
    organization: Organization,
    username: str,
    password: str,
    role: str,
    department: Department | None = None,
    full_name: str = "",
):
    """Create a login for a person of `organization` with one role."""
    require_same_organization(actor, "user.create", organization, department)
    if not actor.has_role(Role.ADMIN):
        raise deny(actor, "user.create")
    user = get_user_model().objects.create_user(username=username, password=password, first_name=full_name)
    Membership.objects.create(organization=organization, user=user, role=role, department=department)
    audit_record(actor=actor.user, organization=organization, verb="user.create", target=user, data={"role": role})
    return user
