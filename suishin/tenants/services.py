"""Create organizations, departments and memberships, with their audit entries."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

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


def _refuse_taken_name(department: Department) -> None:
    """Refuse the name of another open department (a closed department keeps its name, which a new
    department may take again): the form's message, for callers that skipped the form."""
    from django.core.exceptions import ValidationError

    if department.is_closed:
        return
    others = Department.objects.for_organization(department.organization_id).filter(name=department.name)
    if others.filter(closed_on=None).exclude(pk=department.pk).exists():
        raise ValidationError({"name": _("この組織名は現行の組織ですでに使われています。")})


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
    if not actor.has_role(Role.ADMIN, Role.SECRETARIAT):  # the department tree: 管理者 and 事務局
        raise deny(actor, "department.create")
    department = Department(organization=organization, code=code, name=name, parent=parent, position=position)
    _refuse_taken_name(department)
    department.full_clean()
    department.save()
    audit_record(actor=actor.user, organization=organization, verb="department.create", target=department)
    return department


@service
def department_update(*, actor: Actor, department: Department, code: str, name: str) -> Department:
    """Rename a department (its code and name); everything that shows it shows the new name."""
    require_same_organization(actor, "department.update", department)
    if not actor.has_role(Role.ADMIN, Role.SECRETARIAT):  # the department tree: 管理者 and 事務局
        raise deny(actor, "department.update", department)
    before = {"code": department.code, "name": department.name}
    department.code, department.name = code, name
    _refuse_taken_name(department)
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


# --- the department tree: move, close, reopen, merge (the admin's 組織 pages; a reorganisation calls these) ---


def _open_children(department: Department):
    return Department.objects.for_organization(department.organization_id).filter(parent=department, closed_on=None)


@service
def department_move(
    *, actor: Actor, department: Department, parent: Department | None, position: int | None = None
) -> Department:
    """Put `department` under `parent` (None: at the top), optionally at `position`; never under itself."""
    from django.core.exceptions import ValidationError

    from suishin.tenants.admin_policy import TENANT_ADMIN
    from suishin.tenants.policy import departments_under

    TENANT_ADMIN.require(actor, "department.edit", department, parent, audit_as="department.move")
    if parent is not None:
        if parent.pk in departments_under(department.organization_id, [department.pk]):
            raise ValidationError(_("課をその下位の組織の下には移せません。"))
        if parent.is_closed:
            raise ValidationError(_("廃止された組織の下には移せません。"))
    before = {"parent": str(department.parent) if department.parent_id else "", "position": department.position}
    department.parent = parent
    if position is not None:
        department.position = position
    department.save(update_fields=["parent", "position", "updated_at"])
    after = {"parent": str(parent) if parent else "", "position": department.position}
    audit_record(
        actor=actor.user,
        organization=department.organization,
        verb="department.move",
        target=department,
        data={k: [before[k], after[k]] for k in before if before[k] != after[k]},
    )
    return department


def department_open_rows(department: Department) -> list[tuple[str, int]]:
    """Return (label, count) of what apps registered as department-owned that still names `department`."""
    from django.apps import apps

    from suishin.core.registry import department_owned

    found = []
    for kind in department_owned:
        apps.get_model(kind.model)  # a kind of an app not installed fails here, loudly
        count = kind.open_rows(department.organization_id).filter(**{kind.department_field: department}).count()
        if count:
            found.append((str(kind.label), count))
    return found


@service
def department_close(*, actor: Actor, department: Department, closed_on) -> Department:
    """Close `department` from `closed_on`: it keeps its rows and name for history, and takes no new ones.

    Refused while it has open sub-departments or open rows (staff, users, measures of open plans):
    merge it into another department instead, which moves them.
    """
    from django.core.exceptions import ValidationError

    from suishin.tenants.admin_policy import TENANT_ADMIN

    TENANT_ADMIN.require(actor, "department.edit", department, audit_as="department.close")
    if department.is_closed:
        raise ValidationError(_("この組織はすでに廃止されています。"))
    if _open_children(department).exists():
        raise ValidationError(_("下位の組織がまだあります。先に下位の組織を移すか廃止してください。"))
    remaining = department_open_rows(department)
    if remaining:
        shown = "、".join(f"{label} {count}件" for label, count in remaining)
        raise ValidationError(
            _("この組織にはまだ %(rows)s があります。別の組織に統合すると移せます。") % {"rows": shown}
        )
    department.closed_on = closed_on
    department.save(update_fields=["closed_on", "updated_at"])
    audit_record(
        actor=actor.user,
        organization=department.organization,
        verb="department.close",
        target=department,
        data={"closed_on": closed_on.isoformat()},
    )
    return department


@service
def department_reopen(*, actor: Actor, department: Department) -> Department:
    """Open a closed department again (a closing recorded by mistake)."""
    from django.core.exceptions import ValidationError

    from suishin.tenants.admin_policy import TENANT_ADMIN

    TENANT_ADMIN.require(actor, "department.edit", department, audit_as="department.reopen")
    if not department.is_closed:
        raise ValidationError(_("この組織は廃止されていません。"))
    if department.parent_id and department.parent.is_closed:
        raise ValidationError(_("上位の組織が廃止されています。先に上位の組織を戻してください。"))
    department.closed_on = None
    try:
        _refuse_taken_name(department)
    except ValidationError:
        raise ValidationError(
            _("同じ名前「%(name)s」の現行の組織があるため、元に戻せません。先にどちらかの名前を変えてください。")
            % {"name": department.name}
        ) from None
    department.save(update_fields=["closed_on", "updated_at"])
    audit_record(actor=actor.user, organization=department.organization, verb="department.reopen", target=department)
    return department


def _move_rows(queryset, field: str, target: Department) -> tuple[int, int]:
    """Point the rows of `queryset` at `target`; a row the target already has (a unique pair) is dropped.

    Return (moved, dropped as duplicates).
    """
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    now = timezone.now()
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return 0, 0
    rows = queryset.model.objects.for_organization(target.organization_id)
    try:
        with transaction.atomic():
            return rows.filter(pk__in=ids).update(**{field: target, "updated_at": now}), 0
    except IntegrityError:
        pass
    moved = dropped = 0
    for pk in ids:  # one at a time: only the rows the target already has are dropped
        try:
            with transaction.atomic():
                moved += rows.filter(pk=pk).update(**{field: target, "updated_at": now})
        except IntegrityError:
            rows.filter(pk=pk).delete()
            dropped += 1
    return moved, dropped


@service
def department_merge(*, actor: Actor, source: Department, target: Department, closed_on) -> dict:
    """Move everything registered as department-owned (of open years) and the sub-departments of `source`
    to `target`, then close `source`; return the report: per kind of row, how many moved.

    A row that `target` already has (the same measure owned by both) is dropped rather than doubled.
    """
    from django.apps import apps
    from django.core.exceptions import ValidationError

    from suishin.core.registry import department_owned
    from suishin.tenants.admin_policy import TENANT_ADMIN

    TENANT_ADMIN.require(actor, "department.edit", source, target, audit_as="department.merge")
    if source.pk == target.pk:
        raise ValidationError(_("統合先には別の組織を選んでください。"))
    if source.is_closed or target.is_closed:
        raise ValidationError(_("廃止された組織は統合できません。"))
    from suishin.tenants.policy import departments_under

    if target.pk in departments_under(source.organization_id, [source.pk]):
        raise ValidationError(_("統合先に、統合する組織の下位の組織は選べません。"))
    report: dict = {"source": source.name, "target": target.name, "moved": []}
    children = _open_children(source)
    count = children.count()
    if count:
        children.update(parent=target)
        report["moved"].append({"label": str(_("下位の組織")), "count": count, "dropped": 0})
    for kind in department_owned:
        apps.get_model(kind.model)
        rows = kind.open_rows(source.organization_id).filter(**{kind.department_field: source})
        moved, dropped = _move_rows(rows, kind.department_field, target)
        if moved or dropped:
            report["moved"].append({"label": str(kind.label), "count": moved, "dropped": dropped})
    source.closed_on = closed_on
    source.save(update_fields=["closed_on", "updated_at"])
    audit_record(
        actor=actor.user,
        organization=source.organization,
        verb="department.merge",
        target=source,
        data={"target": target.name, "closed_on": closed_on.isoformat(), "moved": report["moved"]},
    )
    return report


# --- users: the admin's ユーザー pages -----------------------------------------------------------------


def _require_member(actor: Actor, action: str, user) -> None:
    """Refuse, as not found (and audited), a user who has no membership in the actor's organization."""
    from django.http import Http404

    from suishin.core.service import record_refusal

    member = (
        actor.organization is not None
        and user is not None
        and Membership.objects.for_organization(actor.organization).filter(user_id=user.pk).exists()
    )
    if not member:
        record_refusal(
            actor=actor.user,
            organization=actor.organization,
            verb="authorization.denied",
            data={"action": action, "reason": "other_organization", "target_type": "auth.User"},
        )
        raise Http404


def _require_user_manager(actor: Actor, action: str, organization: Organization, *others) -> None:
    from suishin.tenants.admin_policy import TENANT_ADMIN

    require_same_organization(actor, action, organization, *others)
    if not TENANT_ADMIN.user_has_permission(actor, "user.manage"):
        raise deny(actor, action)


def active_admin_ids(organization: Organization) -> set[int]:
    """Return the ids of the organization's active users who hold the admin role."""
    return set(
        Membership.objects.for_organization(organization)
        .filter(role=Role.ADMIN, user__is_active=True)
        .values_list("user_id", flat=True)
    )


def _refuse_last_admin(organization: Organization, user) -> None:
    from django.core.exceptions import ValidationError

    if active_admin_ids(organization) <= {user.pk}:
        raise ValidationError(_("最後の管理者です。先に別のユーザーを管理者にしてください。"))


def _set_roles(organization: Organization, user, roles: set[str], department: Department | None) -> None:
    """Give `user` exactly `roles` in `organization`; the department role (and the others) name `department`."""
    from django.core.exceptions import ValidationError

    if Role.DEPARTMENT in roles and department is None:
        raise ValidationError(_("担当課の役割には所属課が必要です。"))
    if department is not None and department.is_closed:
        raise ValidationError(_("廃止された組織は選べません。"))
    wanted = {(role, department.pk if department is not None and role != Role.ADMIN else None) for role in roles}
    memberships = Membership.objects.for_organization(organization).filter(user=user)
    have = {(m.role, m.department_id): m for m in memberships}
    for key, membership in have.items():
        if key not in wanted:
            membership.delete()
    for role, department_id in wanted - have.keys():
        Membership.objects.create(organization=organization, user=user, role=role, department_id=department_id)


@service
def user_create(
    *,
    actor: Actor,
    organization: Organization,
    username: str,
    full_name: str,
    roles: set[str],
    department: Department | None = None,
    email: str = "",
):
    """Create a login without a password: the person sets one through a one-time link (`password_link`)."""
    _require_user_manager(actor, "user.create", organization, department)
    from django.core.exceptions import ValidationError

    if not roles:
        raise ValidationError(_("役割を一つ以上選んでください。"))
    user = get_user_model()(username=username, first_name=full_name, email=email)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    _set_roles(organization, user, set(roles), department)
    audit_record(
        actor=actor.user,
        organization=organization,
        verb="user.create",
        target=user,
        data={"roles": sorted(roles), "department": department.name if department else ""},
    )
    return user


@service
def user_update(
    *,
    actor: Actor,
    user,
    full_name: str,
    email: str,
    roles: set[str],
    department: Department | None = None,
):
    """Change a user's name, mail address, roles and department; the last admin keeps the admin role."""
    organization = actor.organization
    _require_member(actor, "user.update", user)
    _require_user_manager(actor, "user.update", organization, department)
    from django.core.exceptions import ValidationError

    if not roles:
        raise ValidationError(_("役割を一つ以上選んでください。"))
    if Role.ADMIN not in roles:
        _refuse_last_admin(organization, user)
    memberships = Membership.objects.for_organization(organization).filter(user=user).select_related("department")
    before_roles = sorted({m.role for m in memberships})
    before_department = next((m.department.name for m in memberships if m.department_id), "")
    changed = {}
    if user.first_name != full_name or user.email != email:
        changed["changed"] = [
            f for f, old, new in (("name", user.first_name, full_name), ("email", user.email, email)) if old != new
        ]
        user.first_name, user.email = full_name, email
        user.full_clean(exclude=["password"])
        user.save(update_fields=["first_name", "email"])
    _set_roles(organization, user, set(roles), department)
    if before_roles != sorted(roles):
        changed["roles"] = [before_roles, sorted(roles)]
    department_name = department.name if department is not None else ""
    if before_department != department_name:
        changed["department"] = [before_department, department_name]
    audit_record(actor=actor.user, organization=organization, verb="user.update", target=user, data=changed)
    return user


@service
def user_deactivate(*, actor: Actor, user) -> int:
    """Stop a user's login: every live session ends now. Return how many sessions ended.

    Refused for oneself, for the last admin, and for a user who also works in another organization
    (that organization's admin would lose them too).
    """
    from django.core.exceptions import ValidationError

    from suishin.core.sessions import end_sessions_of

    _require_member(actor, "user.deactivate", user)
    _require_user_manager(actor, "user.deactivate", actor.organization)
    if user.pk == getattr(actor.user, "pk", None):
        raise ValidationError(_("自分自身は利用停止にできません。"))
    if not user.is_active:
        raise ValidationError(_("このユーザーはすでに利用停止です。"))
    _refuse_last_admin(actor.organization, user)
    memberships = Membership.objects.filter(user=user)  # scoped: the user's memberships anywhere, only counted
    if memberships.exclude(organization=actor.organization).exists():
        raise ValidationError(_("このユーザーは他の団体にも所属しているため、ここでは利用停止にできません。"))
    ended = end_sessions_of(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor.user,
        organization=actor.organization,
        verb="user.deactivate",
        target=user,
        data={"sessions_ended": ended},
    )
    return ended


@service
def user_reactivate(*, actor: Actor, user):
    _require_member(actor, "user.reactivate", user)
    _require_user_manager(actor, "user.reactivate", actor.organization)
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(actor=actor.user, organization=actor.organization, verb="user.reactivate", target=user)
    return user


def password_link(user) -> str:
    """Return the path of the one-time link with which `user` sets their password.

    The token is Django's: it stops working once the password is set or the user logs in, and after
    PASSWORD_RESET_TIMEOUT. The link is shown to the admin once (and mailed when the user has an address).
    """
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password_set", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})


@service
def user_password_reset(*, actor: Actor, user) -> str:
    """Make the user's password unusable, end their sessions, and return the one-time link to set a new one.

    The second factor is left as it was: a role that requires it still asks for it at the next log-in.
    """
    from suishin.core.sessions import end_sessions_of

    _require_member(actor, "user.password_reset", user)
    _require_user_manager(actor, "user.password_reset", actor.organization)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    ended = end_sessions_of(user)
    audit_record(
        actor=actor.user,
        organization=actor.organization,
        verb="user.password_reset",
        target=user,
        data={"sessions_ended": ended},
    )
    return password_link(user)


# A temporary password: 12 characters in three groups, from letters and digits nobody misreads (no
# 0/O, 1/l/I), about 68 bits from `secrets`. It is shown to the admin once and never stored in clear.
TEMPORARY_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 - the characters, not a password


def temporary_password() -> str:
    """Return a new temporary password, such as 「h7Kq-Xm3p-Rt9w」."""
    import secrets

    return "-".join("".join(secrets.choice(TEMPORARY_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3))


@service
def user_password_temporary_set(*, actor: Actor, user) -> str:
    """Give the user a generated temporary password, end their sessions, and return it (shown once).

    At the next log-in the user must choose their own password before anything else
    (`TemporaryPassword`, enforced by `password_change.PasswordChangeRequiredMiddleware`); the second
    factor is left as it was, so a role that requires it still asks for it.
    """
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from suishin.core.sessions import end_sessions_of
    from suishin.tenants.models import TemporaryPassword

    _require_member(actor, "user.password_temporary_set", user)
    _require_user_manager(actor, "user.password_temporary_set", actor.organization)
    if user.pk == actor.user.pk:
        # Ending one's own sessions would log the admin out before the password is shown: a lock-out.
        raise ValidationError(
            _("自分には仮パスワードを発行できません。自分のパスワードは「パスワードの変更」で変えてください。"),
            code="own_temporary_password",
        )
    password = temporary_password()
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    TemporaryPassword.objects.update_or_create(  # scoped: a user has one, whichever organization gave it
        # created_at restarts, so that a new one has its full validity (TEMPORARY_PASSWORD_TIMEOUT)
        user=user,
        defaults={"organization": actor.organization, "issued_by": actor.user, "created_at": timezone.now()},
    )
    ended = end_sessions_of(user)
    audit_record(
        actor=actor.user,
        organization=actor.organization,
        verb="user.password_temporary_set",
        target=user,
        data={"sessions_ended": ended},
    )
    return password


def password_change_required(user) -> bool:
    """Return whether `user` logs in with a temporary password and must choose their own."""
    from suishin.tenants.models import TemporaryPassword

    return TemporaryPassword.objects.filter(user_id=user.pk).exists()  # scoped: the user's own, any organization


def _temporary_password_validity():
    from datetime import timedelta

    from django.conf import settings

    return timedelta(seconds=settings.TEMPORARY_PASSWORD_TIMEOUT)


def temporary_password_expired(user) -> bool:
    """Return whether `user` holds a temporary password issued more than TEMPORARY_PASSWORD_TIMEOUT ago:
    it no longer logs in (checked at log-in by `LoginForm`) and the admin must issue another."""
    from suishin.tenants.models import TemporaryPassword

    cutoff = timezone.now() - _temporary_password_validity()
    return TemporaryPassword.objects.filter(  # scoped: the user's own, any organization
        user_id=user.pk, created_at__lt=cutoff
    ).exists()


def temporary_password_expiry(user):
    """Return until when the temporary password `user` holds logs in (None if they hold none)."""
    from suishin.tenants.models import TemporaryPassword

    issued = (
        TemporaryPassword.objects.filter(user_id=user.pk)  # scoped: the user's own, any organization
        .values_list("created_at", flat=True)
        .first()
    )
    return issued + _temporary_password_validity() if issued else None


def _forget_temporary_password(user) -> None:
    from suishin.tenants.models import TemporaryPassword

    TemporaryPassword.objects.filter(user_id=user.pk).delete()  # scoped: the user's own, any organization


@service
def user_password_set(*, actor: Actor, password: str):
    """Set the acting user's password (from a one-time link: the view checked the token)."""
    user = actor.user
    _require_member(actor, "user.password_set", user)
    user.set_password(password)
    user.save(update_fields=["password"])
    _forget_temporary_password(user)
    audit_record(actor=user, organization=actor.organization, verb="user.password_set", target=user)
    return user


@service
def user_password_change(*, actor: Actor, password: str):
    """Set the acting user's own password in place of their current one (the form checked it), which
    ends a temporary password's hold on them."""
    user = actor.user
    _require_member(actor, "user.password_change", user)
    was_temporary = password_change_required(user)
    user.set_password(password)
    user.save(update_fields=["password"])
    _forget_temporary_password(user)
    audit_record(
        actor=user,
        organization=actor.organization,
        verb="user.password_change",
        target=user,
        data={"temporary": was_temporary},
    )
    return user


@service
def user_mfa_reset(*, actor: Actor, user, confirmation_code: str) -> None:
    """Remove a user's second factor (a lost phone): they enrol a new one at their next log-in.

    The acting admin confirms with a code of their own second factor, checked here (a code works once).
    """
    from django.core.exceptions import ValidationError
    from django_otp import devices_for_user, match_token

    from suishin.core.sessions import end_sessions_of

    _require_member(actor, "user.mfa_reset", user)
    _require_user_manager(actor, "user.mfa_reset", actor.organization)
    if user.pk == getattr(actor.user, "pk", None):
        raise ValidationError(_("自分の二要素認証は、別の管理者にリセットしてもらってください。"))
    if match_token(actor.user, confirmation_code.strip().replace(" ", "")) is None:
        raise ValidationError(_("あなたの確認コードが正しくないか、すでに使われています。"))
    removed = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        removed += 1
    ended = end_sessions_of(user)
    audit_record(
        actor=actor.user,
        organization=actor.organization,
        verb="user.mfa_reset",
        target=user,
        data={"sessions_ended": ended, "devices": removed},
    )


@service
def organization_settings_update(
    *,
    actor: Actor,
    organization: Organization,
    name: str,
    population: int | None,
    plan_level_names: list[str],
    mail_sender: str,
    mfa_required_roles: list[str],
) -> Organization:
    """Change the organization's name, population, default plan level names, mail sender and MFA roles."""
    from suishin.tenants.admin_policy import TENANT_ADMIN

    require_same_organization(actor, "organization.settings_update", organization)
    if not TENANT_ADMIN.user_has_permission(actor, "organization.settings"):
        raise deny(actor, "organization.settings_update", organization)
    fields = ["name", "population", "plan_level_names", "mail_sender", "mfa_required_roles"]
    before = {f: getattr(organization, f) for f in fields}
    organization.name, organization.population = name, population
    organization.plan_level_names = list(plan_level_names)
    organization.mail_sender = mail_sender
    organization.mfa_required_roles = sorted(set(mfa_required_roles))
    organization.full_clean()
    organization.save(update_fields=[*fields, "updated_at"])
    audit_record(
        actor=actor.user,
        organization=organization,
        verb="organization.settings_update",
        target=organization,
        data={f: [before[f], getattr(organization, f)] for f in fields if before[f] != getattr(organization, f)},
    )
    return organization
