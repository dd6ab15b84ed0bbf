"""Writes of the staff register: people, their moves (異動・昇任), logins made for them, the import."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from suishin.core.audit import audit_record
from suishin.core.service import service
from suishin.tenants.actor import Actor
from suishin.tenants.models import Department, Organization

from .access import STAFF
from .models import DEFAULT_RANKS, Person, Rank, StaffMove

# What a move changes: a new StaffMove row is kept whenever one of these changes.
POSITION_FIELDS = ("department", "rank", "job_level", "is_head")
PERSON_FIELDS = ("kind", "name", "name_kana", "staff_number", "affiliation", "email", "left_on", *POSITION_FIELDS)
# Personal fields are never written into the audit log's values, only named as changed.
PERSONAL_FIELDS = {"staff_number", "email", "name_kana"}


def _ensure_default_ranks(organization: Organization) -> dict[str, Rank]:
    """Return the organization's ranks by name, creating the default ones if it has none."""
    ranks = {r.name: r for r in Rank.objects.for_organization(organization)}
    if not ranks:
        created = Rank.objects.bulk_create(
            Rank(organization=organization, name=name, level=level) for name, level in DEFAULT_RANKS
        )
        ranks = {r.name: r for r in created}
    return ranks


@service
def ranks_create_defaults(*, actor: Actor, organization: Organization) -> list[Rank]:
    """Give an organization the default 職位 (部長 … 主事) unless it has some already."""
    STAFF.require(actor, "staff.edit", None, organization, audit_as="staff.ranks_create")
    had = Rank.objects.for_organization(organization).exists()
    ranks = list(_ensure_default_ranks(organization).values())
    if not had:
        audit_record(actor=actor.user, organization=organization, verb="staff.ranks_create")
    return ranks


def _check(person: Person) -> None:
    if person.kind == Person.Kind.STAFF and not person.staff_number:
        raise ValidationError({"staff_number": _("職員には職員番号が必要です。")})
    department = person.department if person.department_id else None
    if department is not None and department.is_closed and "department" in getattr(person, "_changed", ()):
        raise ValidationError({"department": _("廃止された組織は選べません。")})
    taken = Person.objects.for_organization(person.organization_id).filter(staff_number=person.staff_number)
    if person.staff_number and taken.exclude(pk=person.pk).exists():
        raise ValidationError({"staff_number": _("この職員番号はすでに登録されています。")})
    person.full_clean(exclude=["user"], validate_constraints=False)


def _record_move(person: Person, moved_on: dt.date | None) -> StaffMove:
    return StaffMove.objects.create(
        organization_id=person.organization_id,
        person=person,
        moved_on=moved_on or timezone.localdate(),
        department=person.department,
        rank=person.rank,
        job_level=person.job_level,
        is_head=person.is_head,
    )


@service
def person_create(*, actor: Actor, organization: Organization, data: dict, moved_on: dt.date | None = None) -> Person:
    """Register a person; their first department and rank are the first row of their history."""
    STAFF.require(
        actor, "staff.edit", None, organization, data.get("department"), data.get("rank"), audit_as="staff.create"
    )
    person = Person(organization=organization, **{k: v for k, v in data.items() if k in PERSON_FIELDS})
    person._changed = {"department"}  # type: ignore[attr-defined]
    _check(person)
    person.save()
    if person.kind == Person.Kind.STAFF:
        _record_move(person, moved_on)
    audit_record(actor=actor.user, organization=organization, verb="staff.create", target=person)
    return person


@service
def person_update(*, actor: Actor, person: Person, data: dict, moved_on: dt.date | None = None) -> Person:
    """Change a person; a change of department, rank, level or headship is kept as a move dated `moved_on`."""
    STAFF.require(actor, "staff.edit", person, data.get("department"), data.get("rank"), audit_as="staff.update")
    changed = [k for k in PERSON_FIELDS if k in data and getattr(person, k) != data[k]]
    for key in changed:
        setattr(person, key, data[key])
    person._changed = set(changed)  # type: ignore[attr-defined]
    _check(person)
    person.save()
    moved = any(k in POSITION_FIELDS for k in changed)
    if moved and person.kind == Person.Kind.STAFF:
        _record_move(person, moved_on)
    audit_record(
        actor=actor.user,
        organization=person.organization,
        verb="staff.update",
        target=person,
        data={"changed": changed, "moved": moved},
    )
    return person


@service
def person_login_create(
    *, actor: Actor, person: Person, username: str, roles: set[str], department: Department | None = None
):
    """Make a login for a person of the register (a one-time link sets its password) and link the two."""
    from suishin.tenants.services import user_create

    STAFF.require(actor, "staff.edit", person, department, audit_as="staff.login_create")
    if person.user_id is not None:
        raise ValidationError(_("この方にはすでにログインがあります。"))
    user = user_create(
        actor=actor,
        organization=person.organization,
        username=username,
        full_name=person.name,
        roles=roles,
        department=department if department is not None else person.department,
        email=person.email,
    )
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    audit_record(
        actor=actor.user,
        organization=person.organization,
        verb="staff.login_create",
        target=person,
        data={"username": username},
    )
    return user


@service
def person_link_user(*, actor: Actor, person: Person, user) -> Person:
    """Link a person of the register to a login of the organization (None: unlink)."""
    from suishin.tenants.services import _require_member

    STAFF.require(actor, "staff.edit", person, audit_as="staff.link_user")
    if user is not None:
        _require_member(actor, "staff.link_user", user)
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    audit_record(
        actor=actor.user,
        organization=person.organization,
        verb="staff.link_user",
        target=person,
        data={"username": user.username if user is not None else ""},
    )
    return person


@service
def staff_import_apply(*, actor: Actor, organization: Organization, imported) -> dict:
    """Apply a problem-free staff import (`staff_import.parse_staff_grid`): rows whose 職員番号 is
    registered update that person (a change of department, rank, level or headship adds a move dated
    the row's 発令日, or today); the others are new people. People not in the file are left as they are.
    """
    STAFF.require(actor, "staff.edit", None, organization, audit_as="staff.import")
    if imported.problems:
        raise ValueError("an import with problems is never applied")
    ranks = _ensure_default_ranks(organization)
    people = {p.staff_number: p for p in Person.objects.for_organization(organization).exclude(staff_number="")}
    today = timezone.localdate()
    new_people, changed_people, moves = [], [], []
    updated_fields: set[str] = set()
    for row in imported.result:
        values = {
            "name": row["name"],
            "name_kana": row["name_kana"] or "",
            "department_id": row["department"],
            "rank_id": ranks[row["rank"]].pk if row["rank"] else None,
            "job_level": row["job_level"],
            "is_head": bool(row["is_head"]),
            "email": row["email"] or "",
            "left_on": row["left_on"],
        }
        person = people.get(row["staff_number"])
        if person is None:
            person = Person(
                organization=organization, kind=Person.Kind.STAFF, staff_number=row["staff_number"], **values
            )
            new_people.append((person, row["moved_on"] or today))
            continue
        changed = [k for k, v in values.items() if getattr(person, k) != v]
        if not changed:
            continue
        for key in changed:
            setattr(person, key, values[key])
        updated_fields.update(changed)
        changed_people.append(person)
        if {"department_id", "rank_id", "job_level", "is_head"} & set(changed):
            moves.append((person, row["moved_on"] or today))
    created = Person.objects.bulk_create([p for p, _on in new_people])
    moves += list(zip(created, [on for _p, on in new_people], strict=True))
    if changed_people:
        now = timezone.now()
        for person in changed_people:
            person.updated_at = now
        Person.objects.bulk_update(changed_people, [*sorted(updated_fields), "updated_at"])  # scoped: rows just read
    StaffMove.objects.bulk_create(
        StaffMove(
            organization=organization,
            person=person,
            moved_on=moved_on,
            department_id=person.department_id,
            rank_id=person.rank_id,
            job_level=person.job_level,
            is_head=person.is_head,
        )
        for person, moved_on in moves
    )
    summary = {
        "created": len(created),
        "updated": len(changed_people),
        "moves": len(moves),
        "unchanged": len(imported.result) - len(created) - len(changed_people),
    }
    audit_record(actor=actor.user, organization=organization, verb="staff.import", data=summary)
    return summary
