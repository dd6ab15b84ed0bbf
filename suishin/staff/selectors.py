"""Reads of the staff register, each in a fixed number of queries."""

from django.db.models import Count, Q

from suishin.tenants.models import Department

from .models import DEFAULT_RANKS, Person, Rank


def current_staff(organization):
    """Return the organization's employees who have not left (external people are not staff)."""
    return Person.objects.for_organization(organization).filter(kind=Person.Kind.STAFF, left_on=None)


def open_staff_rows(organization_id: int):
    """What a merge or reorganisation moves: the department of everyone who has not left."""
    return Person.objects.for_organization(organization_id).filter(left_on=None)


def headcount_by_department(organization) -> dict[int, int]:
    """Return {department id: number of current staff}, in one query; departments with none are left out."""
    rows = current_staff(organization).exclude(department=None).values("department").annotate(n=Count("pk"))
    return {row["department"]: row["n"] for row in rows}


def headcount_total(organization) -> int:
    return current_staff(organization).count()


def headcount_table(organization) -> list[dict]:
    """Return each department (tree order: position, code) with its headcount and heads, in one query."""
    staff_filter = Q(staff__kind=Person.Kind.STAFF, staff__left_on=None)
    departments = (
        Department.objects.for_organization(organization)
        .annotate(headcount=Count("staff", filter=staff_filter))
        .order_by("position", "code")
    )
    return [{"department": d, "headcount": d.headcount} for d in departments]


def ranks_with_holders(organization) -> list[Rank]:
    """Return the organization's 職位, most senior first, each with `holders` (people who have not left)
    and `left_holders` (people who have, whose record keeps the rank), in one query."""
    holders = Count("people", filter=Q(people__left_on=None))
    left_holders = Count("people", filter=Q(people__left_on__isnull=False))
    ranks = Rank.objects.for_organization(organization).annotate(holders=holders, left_holders=left_holders)
    return list(ranks.order_by("-level", "name"))


def ranks_of(organization) -> list[Rank]:
    return list(Rank.objects.for_organization(organization))


def rank_names(organization) -> list[str]:
    """Return the organization's 職位 names, most senior first (the defaults while it has none)."""
    names = list(Rank.objects.for_organization(organization).values_list("name", flat=True))
    return names or [name for name, _level in DEFAULT_RANKS]


def people_list(organization, *, q: str = "", department=None, min_level: int | None = None, include_left=False):
    """Return the register's people filtered as the list page asks, with what each row shows (one query)."""
    people = Person.objects.for_organization(organization).select_related("department", "rank", "user")
    if not include_left:
        people = people.filter(left_on=None)
    if q:
        people = people.filter(Q(name__icontains=q) | Q(name_kana__icontains=q))
    if department is not None:
        people = people.filter(department=department)
    if min_level is not None:
        people = people.filter(rank__level__gte=min_level)
    return people.order_by("department__position", "department__code", "-is_head", "-rank__level", "name_kana", "pk")
