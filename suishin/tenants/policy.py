"""One source of rights per app: a policy object answers "may this actor do X to this object" and
"which objects may this actor do X to" from one rule.

Rights come from two places:
- **roles** of the actor's membership (管理者, 事務局, 推進委員, 担当課, 評議会, 職員), each held for the
  whole organization or only for the objects of the actor's own departments;
- **grants** from providers that apps register (the governance app registers appointments: the ICT
  leader of a department for FY2025 writes that department's FY2025 reports). A grant names a right,
  an organization, optionally a fiscal year and departments (a bureau's grant covers the departments
  under it). Rights follow the object's fiscal year, not today's date.

Views, selectors, services, the workflow engine and the to-do list all ask the policy; nothing
checks roles inline. Another organization's object is never allowed, whatever the role.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from django.db.models import Q

from suishin.tenants.access import deny, require_same_organization
from suishin.tenants.models import Department, Membership, TenantModel, TenantQuerySet

ORGANIZATION = "organization"  # a role right over every object of the organization
OWN_DEPARTMENTS = "own_departments"  # a role right over the objects of the actor's departments


@dataclass(frozen=True)
class Grant:
    """A right one user holds in an organization, beyond their roles (from an appointment, say)."""

    right: str
    organization_id: int
    user_id: int
    fiscal_year: int | None = None  # None: every year
    department_ids: frozenset[int] = field(default_factory=frozenset)  # empty: the whole organization
    source: str = ""  # what gives it, for display: 「ICTリーダー（2025年度）」


GrantProvider = Callable[..., Iterable[Grant]]  # (organization_id, user_id=None) -> grants
grant_providers: list[GrantProvider] = []


def register_grant_provider(provider: GrantProvider) -> None:
    """Let an app give rights beyond roles; called from its AppConfig.ready()."""
    if provider not in grant_providers:
        grant_providers.append(provider)


def grants_for(organization_id: int, user_id: int | None = None) -> list[Grant]:
    """Return the grants of `user_id` (or of everyone) in the organization, from every provider.

    A grant for a bureau (局) covers every department under it: its departments are expanded along
    the organization's department tree, read once.
    """
    found = [g for provider in grant_providers for g in provider(organization_id, user_id=user_id)]
    if not any(g.department_ids for g in found):
        return found
    children = _department_children(organization_id)
    return [replace(g, department_ids=_below(children, g.department_ids)) if g.department_ids else g for g in found]


def actor_grants(actor) -> list[Grant]:
    """Return the acting user's grants in their organization, read once per actor."""
    if actor.organization is None or getattr(actor.user, "pk", None) is None:
        return []
    cache = actor.__dict__.setdefault("_grants", {})  # Actor is frozen; this cache is not a field
    key = actor.organization.pk
    if key not in cache:
        cache[key] = grants_for(actor.organization.pk, actor.user.pk)
    return cache[key]


@dataclass(frozen=True)
class RoleRight:
    role: str
    scope: str = ORGANIZATION


class Policy:
    """Rights over one kind of object. An app subclasses it and declares its actions.

    `roles` maps an action to the role rights that allow it; `grants` maps an action to the grant
    right that allows it. Subclasses say how to find an object's departments and fiscal year, and
    how to narrow a queryset to departments, when a right is scoped to departments.
    """

    model: type[TenantModel]  # set by each subclass
    roles: dict[str, tuple[RoleRight, ...]] = {}
    grants: dict[str, str] = {}

    # --- what a subclass tells about its objects -------------------------------------------------

    def departments_of(self, instance) -> set[int]:
        """Return the ids of the departments `instance` belongs to (for department-scoped rights)."""
        return set()

    def fiscal_year_of(self, instance) -> int | None:
        """Return the fiscal year `instance` belongs to, if its rights follow one."""
        return None

    def departments_q(self, department_ids: Iterable[int]) -> Q:
        """Return the filter of the objects of `department_ids`."""
        return Q(pk__in=[])

    def fiscal_year_q(self, fiscal_year: int) -> Q:
        return Q()

    # --- the questions ---------------------------------------------------------------------------

    def user_has_permission(self, actor, action: str) -> bool:
        """Return whether the actor may do `action` to some object of their organization."""
        if actor.organization is None:
            return False
        if any(actor.has_role(r.role) for r in self.roles.get(action, ())):
            return True
        right = self.grants.get(action)
        return bool(right) and any(g.right == right for g in actor_grants(actor))

    def user_has_permission_for_instance(self, actor, action: str, instance, *, department_ids=None) -> bool:
        """Return whether the actor may do `action` to `instance`.

        `department_ids` are the instance's departments when the caller has them already (list pages).
        """
        if actor.organization is None or instance.organization_id != actor.organization.pk:
            return False
        rights = self.roles.get(action, ())
        if any(actor.has_role(r.role) and r.scope == ORGANIZATION for r in rights):
            return True
        departments = None
        scoped_roles = [r for r in rights if r.scope == OWN_DEPARTMENTS and actor.has_role(r.role)]
        if scoped_roles:
            departments = set(department_ids) if department_ids is not None else self.departments_of(instance)
            if departments & actor.department_ids:
                return True
        right = self.grants.get(action)
        if not right:
            return False
        year = self.fiscal_year_of(instance)
        for grant in actor_grants(actor):
            if grant.right != right or (grant.fiscal_year is not None and grant.fiscal_year != year):
                continue
            if not grant.department_ids:
                return True
            if departments is None:
                departments = set(department_ids) if department_ids is not None else self.departments_of(instance)
            if departments & grant.department_ids:
                return True
        return False

    def instances_user_has_permission_for(
        self, actor, action: str, queryset: TenantQuerySet | None = None
    ) -> TenantQuerySet:
        """Return the objects the actor may do `action` to, as one queryset (the same rule as above)."""
        queryset = self.model.objects.all() if queryset is None else queryset
        queryset = queryset.for_organization(actor.organization)
        if actor.organization is None:
            return queryset.none()
        rights = self.roles.get(action, ())
        if any(actor.has_role(r.role) and r.scope == ORGANIZATION for r in rights):
            return queryset
        allowed = Q(pk__in=[])
        if any(r.scope == OWN_DEPARTMENTS and actor.has_role(r.role) for r in rights):
            allowed |= self.departments_q(actor.department_ids)
        right = self.grants.get(action)
        for grant in actor_grants(actor) if right else ():
            if grant.right != right:
                continue
            q = self.departments_q(grant.department_ids) if grant.department_ids else Q()
            if grant.fiscal_year is not None:
                q &= self.fiscal_year_q(grant.fiscal_year)
            allowed |= q
        return queryset.filter(allowed).distinct()

    def users_with_permission_for_instance(self, action: str, instance) -> list[int]:
        """Return the ids of the users who may do `action` to `instance` (to tell them it is their turn)."""
        rights = self.roles.get(action, ())
        departments = self.departments_of(instance) if any(r.scope == OWN_DEPARTMENTS for r in rights) else set()
        users: set[int] = set()
        memberships = Membership.objects.for_organization(instance.organization_id).filter(
            role__in=[r.role for r in rights]
        )
        for user_id, role, department_id in memberships.values_list("user_id", "role", "department_id"):
            for r in rights:
                if r.role == role and (r.scope == ORGANIZATION or department_id in departments):
                    users.add(user_id)
        right = self.grants.get(action)
        year = self.fiscal_year_of(instance)
        for grant in grants_for(instance.organization_id) if right else ():
            if grant.right != right or (grant.fiscal_year is not None and grant.fiscal_year != year):
                continue
            if not grant.department_ids or grant.department_ids & (departments or self.departments_of(instance)):
                users.add(grant.user_id)
        return sorted(users)

    def require(self, actor, action: str, instance=None, *others, audit_as: str = "") -> None:
        """Refuse unless the actor may do `action` (to `instance`): another town's object (`instance`
        or any of `others`, the objects the write links to) as not found, a missing right as
        forbidden; both are audited, under `audit_as` when the write has a name of its own."""
        require_same_organization(actor, audit_as or action, instance, *others)
        allowed = (
            self.user_has_permission(actor, action)
            if instance is None
            else self.user_has_permission_for_instance(actor, action, instance)
        )
        if not allowed:
            raise deny(actor, audit_as or action, instance)


def _department_children(organization_id: int) -> dict[int | None, list[int]]:
    children: dict[int | None, list[int]] = {}
    for pk, parent in Department.objects.for_organization(organization_id).values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    return children


def _below(children: dict[int | None, list[int]], department_ids: Iterable[int]) -> frozenset[int]:
    found, todo = set(), list(department_ids)
    while todo:
        pk = todo.pop()
        if pk not in found:
            found.add(pk)
            todo.extend(children.get(pk, []))
    return frozenset(found)


def departments_under(organization_id: int, department_ids: Iterable[int]) -> frozenset[int]:
    """Return `department_ids` with every department below them (a bureau's grant covers its 課)."""
    return _below(_department_children(organization_id), department_ids)
