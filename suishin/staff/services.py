"""Writes of the staff register: people, their moves (異動・昇任), logins made for them, the import."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
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
    """Link a person of the register to an existing login of the organization; `None` unlinks them.

    A login belongs to one person of an organization: one that is linked already is refused, and so is
    a person who has a login already (unlink first). Unlinking leaves the login as it was.
    """
    from suishin.tenants.services import _require_member

    verb = "staff.link_user" if user is not None else "staff.unlink_user"
    STAFF.require(actor, "staff.edit", person, audit_as=verb)
    previous = person.user
    if user is None:
        if previous is None:
            raise ValidationError(_("この方に結びついているログインはありません。"))
    else:
        _require_member(actor, verb, user)
        if person.user_id == user.pk:
            raise ValidationError({"user": _("この方にはすでにこのログインが結びついています。")})
        if previous is not None:
            raise ValidationError({"user": _("この方にはすでにログインがあります。先に結びつけを解除してください。")})
        holder = Person.objects.for_organization(person.organization_id).filter(user=user).first()
        if holder is not None:
            raise ValidationError(
                {"user": _("このログインはすでに%(name)sに結びついています。") % {"name": holder.name}}
            )
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    audit_record(
        actor=actor.user,
        organization=person.organization,
        verb=verb,
        target=person,
        data={"username": getattr(user if user is not None else previous, "username", "")},
    )
    return person


# --- 職位 (ranks): the admin's list of an organization's ranks, in their order ---------------------

RANK_LEVEL_MAX = 999  # what the form offers; the column holds more, which a swap uses for a moment


def _check_rank(rank: Rank) -> None:
    ranks = Rank.objects.for_organization(rank.organization_id).exclude(pk=rank.pk)
    errors = {}
    if ranks.filter(name=rank.name).exists():
        errors["name"] = _("この職位はすでに登録されています。")
    if ranks.filter(level=rank.level).exists():
        errors["level"] = _("この序列はほかの職位が使っています。別の数にしてください。")
    if errors:
        raise ValidationError(errors)
    rank.full_clean(validate_constraints=False)


@service
def rank_create(*, actor: Actor, organization: Organization, name: str, level: int) -> Rank:
    """Add a 職位; `level` places it (a higher level is more senior)."""
    STAFF.require(actor, "staff.edit", None, organization, audit_as="staff.rank_create")
    rank = Rank(organization=organization, name=name, level=level)
    _check_rank(rank)
    rank.save()
    audit_record(
        actor=actor.user,
        organization=organization,
        verb="staff.rank_create",
        target=rank,
        data={"name": name, "level": level},
    )
    return rank


@service
def rank_update(*, actor: Actor, rank: Rank, name: str, level: int) -> Rank:
    """Rename a 職位 or change its level; the people who hold it keep it."""
    STAFF.require(actor, "staff.edit", None, rank, audit_as="staff.rank_update")
    before = {"name": rank.name, "level": rank.level}
    rank.name, rank.level = name, level
    _check_rank(rank)
    rank.save(update_fields=["name", "level", "updated_at"])
    after = {"name": rank.name, "level": rank.level}
    audit_record(
        actor=actor.user,
        organization=rank.organization,
        verb="staff.rank_update",
        target=rank,
        data={k: [before[k], after[k]] for k in before if before[k] != after[k]},
    )
    return rank


@service
def rank_move(*, actor: Actor, rank: Rank, direction: str) -> Rank:
    """Move a 職位 one place up (more senior) or down, swapping levels with its neighbour."""
    STAFF.require(actor, "staff.edit", None, rank, audit_as="staff.rank_move")
    if direction not in ("up", "down"):
        raise ValidationError(_("上へ・下へのどちらかを選んでください。"))
    ranks = Rank.objects.for_organization(rank.organization_id).select_for_update()
    if direction == "up":
        neighbour = ranks.filter(level__gt=rank.level).order_by("level").first()
    else:
        neighbour = ranks.filter(level__lt=rank.level).order_by("-level").first()
    if neighbour is None:
        raise ValidationError(
            _("この職位はすでにいちばん上です。") if direction == "up" else _("この職位はすでにいちばん下です。")
        )
    levels = dict(ranks.values_list("pk", "level"))
    # Levels are unique: the rank steps aside to a spare level while its neighbour takes its place.
    spare = next(n for n in range(RANK_LEVEL_MAX + 1, 32768) if n not in levels.values())
    own, other = levels[rank.pk], neighbour.level
    now = timezone.now()
    ranks.filter(pk=rank.pk).update(level=spare)
    ranks.filter(pk=neighbour.pk).update(level=own, updated_at=now)
    ranks.filter(pk=rank.pk).update(level=other, updated_at=now)
    rank.level = other
    audit_record(
        actor=actor.user,
        organization=rank.organization,
        verb="staff.rank_move",
        target=rank,
        data={"level": [own, other], "neighbour": neighbour.name},
    )
    return rank


def rank_holders(rank: Rank) -> tuple[int, int]:
    """Return how many people of the register hold `rank`: (current staff, people who have left), in one query."""
    counts = (
        Person.objects.for_organization(rank.organization_id)
        .filter(rank=rank)
        .aggregate(current=Count("pk", filter=Q(left_on=None)), left=Count("pk", filter=Q(left_on__isnull=False)))
    )
    return counts["current"], counts["left"]


def rank_delete_refusal(rank: Rank) -> str | None:
    """Return why `rank` cannot be deleted, or None: anyone holds it, whether or not they have left (a
    leaver's record keeps their rank), or a move names it."""
    current, left = rank_holders(rank)
    if current and left:
        return _(
            "%(name)sの職員が%(n)s人（退職者%(left)s人を含む）いるため削除できません。"
            "退職者の記録にも職位が残るため、名前や序列の変更で対応してください。"
        ) % {"name": rank.name, "n": current + left, "left": left}
    if current:
        return _("%(name)sの職員が%(n)s人いるため削除できません。先にその職員の職位を変えてください。") % {
            "name": rank.name,
            "n": current,
        }
    if left:
        return _("%(name)sは退職者%(left)s人の記録に残っているため削除できません。名前や序列は変えられます。") % {
            "name": rank.name,
            "left": left,
        }
    if StaffMove.objects.for_organization(rank.organization_id).filter(rank=rank).exists():
        return _("%(name)sは異動・昇任の履歴に残っているため削除できません。名前や序列は変えられます。") % {
            "name": rank.name
        }
    return None


@service
def rank_delete(*, actor: Actor, rank: Rank) -> None:
    """Delete a 職位 nobody holds (current staff or leavers) and no move names; otherwise refuse, saying why."""
    STAFF.require(actor, "staff.edit", None, rank, audit_as="staff.rank_delete")
    refusal = rank_delete_refusal(rank)
    if refusal is not None:
        raise ValidationError(refusal)
    audit_record(
        actor=actor.user,
        organization=rank.organization,
        verb="staff.rank_delete",
        target=rank,
        data={"name": rank.name, "level": rank.level},
    )
    rank.delete()


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
