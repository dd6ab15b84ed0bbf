"""The organization's administration pages: the department tree, users, organization settings, and
the one-time link with which a person sets their password."""

from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from suishin.core.form_pages import form_errors_from, write_or_form_errors
from suishin.core.forms import CleanTextMixin
from suishin.core.registry import department_figures

from . import services
from .access import access_department, deny, require_actor
from .actor import Actor, actor_for_user
from .admin_policy import TENANT_ADMIN
from .forms_admin import (
    DepartmentCloseForm,
    DepartmentForm,
    DepartmentMergeForm,
    MfaResetForm,
    OrganizationSettingsForm,
    PasswordResetForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
)
from .models import Department, Membership, Role

USERS_PER_PAGE = 50


def _check(actor: Actor, action: str) -> None:
    if not TENANT_ADMIN.user_has_permission(actor, action):
        raise deny(actor, action)


def _require(request, action: str) -> Actor:
    actor = require_actor(request)
    _check(actor, action)
    return actor


# --- departments ------------------------------------------------------------------------------------


def department_tree_rows(organization) -> list[dict]:
    """Return the organization's departments in tree order (局 → 課 → 係) with their depth, in one query."""
    departments = list(Department.objects.for_organization(organization).order_by("position", "code"))
    children: dict[int | None, list[Department]] = {}
    for department in departments:
        children.setdefault(department.parent_id, []).append(department)
    rows: list[dict] = []

    def walk(parent_id, depth):
        for department in children.get(parent_id, []):
            rows.append({"department": department, "depth": depth, "indent": range(depth)})
            walk(department.pk, depth + 1)

    walk(None, 0)
    return rows


def subtree_totals(rows: list[dict], counts: dict[int, int]) -> dict[int, int]:
    """Return {department id: its count plus those of every department under it}, from `rows` in tree
    order (`department_tree_rows`: each department before those under it) and the direct `counts`."""
    totals: dict[int, int] = {}
    for row in reversed(rows):  # those under a department come before it
        department = row["department"]
        totals[department.pk] = totals.get(department.pk, 0) + counts.get(department.pk, 0)
        if department.parent_id is not None:
            totals[department.parent_id] = totals.get(department.parent_id, 0) + totals[department.pk]
    return totals


@login_required
@require_safe
def department_tree(request):
    actor = _require(request, "department.view")
    show_closed = request.GET.get("closed") == "1"
    every_row = department_tree_rows(actor.organization)
    rows = every_row if show_closed else [r for r in every_row if not r["department"].is_closed]
    # Figures other apps register (the staff register's headcount): one query each, whatever the tree.
    # A department with others under it (a 局) also shows the total over them, summed here from the same counts.
    figures = [(figure.label, figure.counts(actor.organization)) for figure in department_figures]
    totals = [subtree_totals(every_row, counts) for _label, counts in figures]
    parents = {row["department"].parent_id for row in every_row}
    for row in rows:
        pk = row["department"].pk
        row["figures"] = [
            (counts.get(pk, 0), total[pk] if pk in parents else None)
            for (_label, counts), total in zip(figures, totals, strict=True)
        ]
    return render(
        request,
        "tenants/admin/department_tree.html",
        {
            "rows": rows,
            "show_closed": show_closed,
            "figure_labels": [label for label, _counts in figures],
            "can_edit": TENANT_ADMIN.user_has_permission(actor, "department.edit"),
        },
    )


@login_required
def department_new(request):
    actor = _require(request, "department.edit")
    form = DepartmentForm(request.POST or None, organization=actor.organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        department = write_or_form_errors(
            form,
            lambda: services.department_create(
                actor=actor,
                organization=actor.organization,
                code=data["code"],
                name=data["name"],
                parent=data["parent"],
                position=data["position"] or 0,
            ),
        )
        if department is not None:
            messages.success(request, _("「%(name)s」を登録しました。") % {"name": department.name})
            return redirect("tenants_admin:department_tree")
    status = 400 if request.method == "POST" else 200
    return render(request, "tenants/admin/department_form.html", {"form": form, "department": None}, status=status)


@login_required
def department_edit(request, department_id):
    actor = require_actor(request)
    department = access_department(actor, department_id)
    if not TENANT_ADMIN.user_has_permission_for_instance(actor, "department.edit", department):
        raise deny(actor, "department.edit", department)
    initial = {
        "code": department.code,
        "name": department.name,
        "parent": department.parent_id,
        "position": department.position,
    }
    form = DepartmentForm(request.POST or None, initial=initial, organization=actor.organization, department=department)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def write():
            services.department_update(actor=actor, department=department, code=data["code"], name=data["name"])
            position = data["position"] if data["position"] is not None else department.position
            if data["parent"] != department.parent or position != department.position:
                services.department_move(actor=actor, department=department, parent=data["parent"], position=position)
            return department

        if write_or_form_errors(form, write) is not None:
            messages.success(request, _("「%(name)s」を変更しました。") % {"name": department.name})
            return redirect("tenants_admin:department_tree")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "tenants/admin/department_form.html", {"form": form, "department": department}, status=status
    )


@login_required
def department_close(request, department_id):
    actor = require_actor(request)
    department = access_department(actor, department_id)
    if not TENANT_ADMIN.user_has_permission_for_instance(actor, "department.edit", department):
        raise deny(actor, "department.edit", department)
    form = DepartmentCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = write_or_form_errors(
            form,
            lambda: services.department_close(
                actor=actor, department=department, closed_on=form.cleaned_data["closed_on"]
            ),
        )
        if done is not None:
            messages.success(request, _("「%(name)s」を廃止しました。") % {"name": department.name})
            return redirect("tenants_admin:department_tree")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "department": department, "remaining": services.department_open_rows(department)}
    return render(request, "tenants/admin/department_close.html", context, status=status)


@login_required
@require_POST
def department_reopen(request, department_id):
    actor = require_actor(request)
    department = access_department(actor, department_id)
    if not TENANT_ADMIN.user_has_permission_for_instance(actor, "department.edit", department):
        raise deny(actor, "department.edit", department)
    try:
        services.department_reopen(actor=actor, department=department)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("「%(name)s」を元に戻しました。") % {"name": department.name})
    return redirect(reverse("tenants_admin:department_tree") + "?closed=1")


@login_required
def department_merge(request, department_id):
    actor = require_actor(request)
    department = access_department(actor, department_id)
    if not TENANT_ADMIN.user_has_permission_for_instance(actor, "department.edit", department):
        raise deny(actor, "department.edit", department)
    form = DepartmentMergeForm(request.POST or None, organization=actor.organization, department=department)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = write_or_form_errors(
            form,
            lambda: services.department_merge(
                actor=actor, source=department, target=data["target"], closed_on=data["closed_on"]
            ),
        )
        if report is not None:
            return render(request, "tenants/admin/department_merged.html", {"report": report})
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "department": department, "remaining": services.department_open_rows(department)}
    return render(request, "tenants/admin/department_merge.html", context, status=status)


# --- users ------------------------------------------------------------------------------------------


def access_user(actor: Actor, user_id):
    """Return a user who has a membership in the actor's organization, or 404 (another town's alike)."""
    try:
        pk = int(user_id)
    except (TypeError, ValueError, OverflowError):
        raise Http404 from None
    members = Membership.objects.for_organization(actor.organization).filter(user_id=pk)
    user = get_user_model().objects.filter(pk=pk, pk__in=members.values("user_id")).first()
    if user is None:
        raise Http404
    return user


def users_of(organization, *, q="", role="", department=None, active=""):
    """Return the organization's users as the list filters them, each with `org_memberships` (3 queries a page)."""
    members = Membership.objects.for_organization(organization)
    if role:
        members = members.filter(role=role)
    if department is not None:
        members = members.filter(department=department)
    users = get_user_model().objects.filter(pk__in=members.values("user_id"))
    if q:
        users = users.filter(Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q))
    if active in ("yes", "no"):
        users = users.filter(is_active=active == "yes")
    shown = Membership.objects.for_organization(organization).select_related("department").order_by("role")
    return users.order_by("username").prefetch_related(
        Prefetch("memberships", queryset=shown, to_attr="org_memberships")
    )


@login_required
@require_safe
def user_list(request):
    actor = _require(request, "user.manage")
    form = UserFilterForm(request.GET or None, organization=actor.organization)
    filters = form.cleaned_data if form.is_valid() else {}
    users = users_of(
        actor.organization,
        q=filters.get("q", ""),
        role=filters.get("role", ""),
        department=filters.get("department"),
        active=filters.get("active", ""),
    )
    page = Paginator(users, USERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "tenants/admin/user_list.html", {"form": form, "page": page, "query": query.urlencode()})


def _show_link(request, user, link: str, heading: str):
    """Show the one-time link once (it is not stored anywhere), and mail it when the user has an address."""
    from .invitations import mail_password_link

    url = request.build_absolute_uri(link)
    mailed = mail_password_link(user, url, organization=request.actor.organization)
    context = {"subject": user, "url": url, "mailed": mailed, "heading": heading}
    return render(request, "tenants/admin/password_link.html", context)


@login_required
def user_new(request):
    actor = _require(request, "user.manage")
    form = UserCreateForm(request.POST or None, organization=actor.organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = write_or_form_errors(
            form,
            lambda: services.user_create(
                actor=actor,
                organization=actor.organization,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                roles=set(data["roles"]),
                department=data["department"],
            ),
        )
        if user is not None:
            return _show_link(request, user, services.password_link(user), _("ユーザーを登録しました"))
    status = 400 if request.method == "POST" else 200
    return render(request, "tenants/admin/user_form.html", {"form": form, "subject": None}, status=status)


@login_required
def user_edit(request, user_id):
    actor = require_actor(request)
    subject = access_user(actor, user_id)  # another town's user is a 404 whatever the role
    _check(actor, "user.manage")
    memberships = list(Membership.objects.for_organization(actor.organization).filter(user=subject))
    initial = {
        "full_name": subject.first_name,
        "email": subject.email,
        "roles": sorted({m.role for m in memberships}),
        "department": next((m.department_id for m in memberships if m.department_id), None),
    }
    form = UserEditForm(request.POST or None, initial=initial, organization=actor.organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = write_or_form_errors(
            form,
            lambda: services.user_update(
                actor=actor,
                user=subject,
                full_name=data["full_name"],
                email=data["email"],
                roles=set(data["roles"]),
                department=data["department"],
            ),
        )
        if done is not None:
            messages.success(request, _("%(name)sを変更しました。") % {"name": subject.username})
            return redirect("tenants_admin:user_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "tenants/admin/user_form.html", {"form": form, "subject": subject}, status=status)


@login_required
@require_POST
def user_deactivate(request, user_id):
    actor = require_actor(request)
    subject = access_user(actor, user_id)  # another town's user is a 404 whatever the role
    _check(actor, "user.manage")
    try:
        services.user_deactivate(actor=actor, user=subject)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(name)sを利用停止にしました。ログイン中の画面も閉じられます。") % {"name": subject.username}
        )
    return redirect("tenants_admin:user_edit", user_id=subject.pk)


@login_required
@require_POST
def user_reactivate(request, user_id):
    actor = require_actor(request)
    subject = access_user(actor, user_id)  # another town's user is a 404 whatever the role
    _check(actor, "user.manage")
    services.user_reactivate(actor=actor, user=subject)
    messages.success(request, _("%(name)sの利用を再開しました。") % {"name": subject.username})
    return redirect("tenants_admin:user_edit", user_id=subject.pk)


@login_required
def user_password_reset(request, user_id):
    """Confirm, then make a one-time link for the user to set a new password, or a temporary password
    they must change at their next log-in; either is shown once."""
    actor = require_actor(request)
    subject = access_user(actor, user_id)  # another town's user is a 404 whatever the role
    _check(actor, "user.manage")
    form = PasswordResetForm(
        request.POST if request.method == "POST" else None,  # nothing chosen: the link
        allow_temporary=subject.pk != request.user.pk,
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["method"] == PasswordResetForm.TEMPORARY:
            try:
                password = services.user_password_temporary_set(actor=actor, user=subject)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                # POST/redirect/GET: a refresh of the page that shows it must not issue another one.
                request.session[SESSION_TEMPORARY_PASSWORD] = {"user_id": subject.pk, "password": password}
                return redirect("tenants_admin:user_temporary_password", user_id=subject.pk)
        else:
            link = services.user_password_reset(actor=actor, user=subject)
            return _show_link(request, subject, link, _("パスワードを再設定しました"))
    status = 400 if request.method == "POST" else 200
    context = {"subject": subject, "form": form}
    return render(request, "tenants/admin/user_password_reset.html", context, status=status)


# The temporary password just issued, kept in the admin's session until the page below shows it once.
SESSION_TEMPORARY_PASSWORD = "temporary_password_to_show"  # noqa: S105 - a session key, not a password


@login_required
@require_safe
def user_temporary_password(request, user_id):
    """Show, once, the temporary password just issued for the user; later visits say it cannot be shown again."""
    actor = require_actor(request)
    subject = access_user(actor, user_id)  # another town's user is a 404 whatever the role
    _check(actor, "user.manage")
    issued = request.session.pop(SESSION_TEMPORARY_PASSWORD, None) or {}
    password = issued.get("password") if issued.get("user_id") == subject.pk else None
    expires = services.temporary_password_expiry(subject) if password else None
    context = {"subject": subject, "password": password, "expires": expires}
    return render(request, "tenants/admin/temporary_password.html", context)


@login_required
def user_mfa_reset(request, user_id):
    """Remove a user's second factor, confirmed with the acting admin's own code."""
    actor = require_actor(request)
    subject = access_user(actor, user_id)  # another town's user is a 404 whatever the role
    _check(actor, "user.manage")
    form = MfaResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not request.user.is_verified():
            form.add_error(None, _("この操作の前に、あなた自身の二要素認証を確認してください。"))
        elif (
            write_or_form_errors(
                form,
                lambda: (
                    services.user_mfa_reset(
                        actor=actor, user=subject, confirmation_code=form.cleaned_data["confirmation_code"]
                    )
                    or True
                ),
            )
            is not None
        ):
            messages.success(
                request,
                _("%(name)sの二要素認証をリセットしました。次のログインで登録し直します。")
                % {"name": subject.username},
            )
            return redirect("tenants_admin:user_edit", user_id=subject.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "tenants/admin/user_mfa_reset.html", {"form": form, "subject": subject}, status=status)


# --- organization settings -------------------------------------------------------------------------


@login_required
def organization_settings(request):
    actor = _require(request, "organization.settings")
    organization = actor.organization
    initial = {
        "name": organization.name,
        "population": organization.population,
        "plan_level_names": "、".join(organization.plan_level_names or []),
        "mail_sender": organization.mail_sender,
        "mfa_required_roles": organization.mfa_required_roles or [],
    }
    form = OrganizationSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = write_or_form_errors(
            form,
            lambda: services.organization_settings_update(
                actor=actor,
                organization=organization,
                name=data["name"],
                population=data["population"],
                plan_level_names=data["plan_level_names"],
                mail_sender=data["mail_sender"],
                mfa_required_roles=data["mfa_required_roles"],
            ),
        )
        if done is not None:
            messages.success(request, _("団体の設定を保存しました。"))
            return redirect("tenants_admin:organization_settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "tenants/admin/organization_settings.html", {"form": form}, status=status)


# --- the one-time link ------------------------------------------------------------------------------


class PasswordSetForm(CleanTextMixin, SetPasswordForm):
    """Django's new-password form (validated by AUTH_PASSWORD_VALIDATORS); the passwords are kept as typed."""


def _user_of_link(uidb64: str, token: str):
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


SESSION_TOKEN = "password_set_token"  # noqa: S105 - a session key, not a secret
SET_MARKER = "set"  # stands for the token in the address once it is kept in the session


def password_set(request, uidb64, token):
    """Let a person set their password from a one-time link; then they log in (with their second factor).

    As Django's own reset view does, the token moves from the address into the session at once (a
    redirect to …/set/), so that it does not stay in the browser's history or reach another site as
    a Referer. An invalid link shows a page saying so (200: a 404 would write the token into the log).
    """
    if token != SET_MARKER:
        if _user_of_link(uidb64, token) is None:
            return render(request, "tenants/admin/password_set_invalid.html")
        request.session[SESSION_TOKEN] = token
        return redirect("password_set", uidb64=uidb64, token=SET_MARKER)
    user = _user_of_link(uidb64, request.session.get(SESSION_TOKEN, ""))
    if user is None:
        return render(request, "tenants/admin/password_set_invalid.html")
    form = PasswordSetForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_password_set(actor=actor_for_user(user), password=form.cleaned_data["new_password1"])
        request.session.pop(SESSION_TOKEN, None)
        messages.success(request, _("パスワードを設定しました。新しいパスワードでログインしてください。"))
        return redirect("login")
    status = 400 if request.method == "POST" else 200
    return render(request, "tenants/admin/password_set.html", {"form": form, "subject": user}, status=status)


class OwnPasswordChangeForm(CleanTextMixin, PasswordChangeForm):
    """Django's change form: the current password, then the new one twice (AUTH_PASSWORD_VALIDATORS).

    With `temporary` (the user holds a temporary password), the new password must differ from it:
    Django's form would accept the same one, which would leave the admin knowing the user's password.
    """

    def __init__(self, user, *args, temporary: bool = False, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.temporary = temporary

    def clean(self):
        cleaned = super().clean()
        current, new = self.cleaned_data.get("old_password"), self.cleaned_data.get("new_password1")
        if self.temporary and current and new and new == current:  # old_password was checked: it is the current one
            self.add_error("new_password1", _("仮パスワードとは別のパスワードを入力してください。"))
        return cleaned


@login_required
def password_change(request):
    """Change one's own password; after a log-in with a temporary password, nothing else is open until done."""
    from .password_change import SESSION_KEY

    required = bool(request.session.get(SESSION_KEY))
    posted = request.method == "POST"
    temporary = posted and services.password_change_required(request.user)  # the holder, whatever the session says
    form = OwnPasswordChangeForm(request.user, request.POST if posted else None, temporary=temporary)
    if request.method == "POST" and form.is_valid():
        user = services.user_password_change(actor=request.actor, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)  # this session stays logged in; the user's others end
        request.session.pop(SESSION_KEY, None)
        messages.success(request, _("パスワードを変更しました。"))
        return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "tenants/admin/password_change.html", {"form": form, "required": required}, status=status)


ROLE_LABELS = dict(Role.choices)
