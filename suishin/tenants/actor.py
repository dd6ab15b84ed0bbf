"""Who is acting: the user, their organization, roles and departments."""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User

from suishin.tenants.models import Membership, Organization, Role


@dataclass(frozen=True)
class Actor:
    user: User | AnonymousUser | None
    organization: Organization | None
    roles: frozenset[str] = field(default_factory=frozenset)
    department_ids: frozenset[int] = field(default_factory=frozenset)
    # Every organization the user belongs to, as (id, name): more than one for, say, a prefecture
    # officer seconded to a town, who chooses which one they act in.
    organizations: tuple[tuple[int, str], ...] = ()

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_secretariat(self) -> bool:
        return self.has_role(Role.SECRETARIAT)

    @property
    def role_labels(self) -> list[str]:
        return [label for value, label in Role.choices if value in self.roles]


def job_actor(job) -> Actor:
    """Return the actor a background job runs as: who queued it, in the organization it was queued in."""
    return actor_for_user(job.created_by, organization_id=job.organization_id)


def actor_for_user(user, organization_id: int | None = None) -> Actor:
    """Return the actor of `user` acting in `organization_id`, with one query for all their memberships.

    Without `organization_id` the user acts in the first organization they belong to; with one they
    have no membership in, in none (every access then refuses). A background task passes the
    organization its job was queued in; a request passes the organization chosen in the session.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Actor(user=user, organization=None)
    memberships = list(Membership.objects.filter(user=user).select_related("organization"))
    if not memberships:
        return Actor(user=user, organization=None)
    organizations = tuple(dict((m.organization_id, m.organization.name) for m in memberships).items())
    if organization_id is not None:
        memberships = [m for m in memberships if m.organization_id == organization_id]
        if not memberships:
            return Actor(user=user, organization=None)
    organization = memberships[0].organization
    own = [m for m in memberships if m.organization_id == organization.pk]
    return Actor(
        user=user,
        organization=organization,
        roles=frozenset(m.role for m in own),
        department_ids=frozenset(m.department_id for m in own if m.department_id),
        organizations=organizations,
    )
