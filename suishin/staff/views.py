"""Pages of the staff register (職員名簿): the list, a person, their history, import and export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from suishin.core.audit import audit_record
from suishin.core.downloads import file_response
from suishin.core.form_pages import write_or_form_errors
from suishin.core.jobs import job_start
from suishin.tabular.uploads import UploadError, read_table_upload
from suishin.tenants.access import deny, require_actor
from suishin.tenants.actor import Actor
from suishin.tenants.forms_admin import PersonLoginForm
from suishin.tenants.views_admin import _show_link

from . import services
from .access import STAFF, access_person, access_rank
from .forms import PersonFilterForm, PersonForm, PersonUserForm, RankForm, RankMoveForm, StaffImportForm
from .selectors import headcount_table, headcount_total, people_list, ranks_with_holders
from .staff_import import staff_csv_bytes, staff_template, staff_xlsx_bytes

PER_PAGE = 50
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _require(request, action: str) -> Actor:
    actor = require_actor(request)
    if not STAFF.user_has_permission(actor, action):
        raise deny(actor, action)
    return actor


@login_required
@require_safe
def person_list(request):
    actor = _require(request, "staff.view")
    form = PersonFilterForm(request.GET or None, organization=actor.organization)
    filters = form.cleaned_data if form.is_valid() else {}
    rank = filters.get("min_rank")
    people = people_list(
        actor.organization,
        q=filters.get("q", ""),
        department=filters.get("department"),
        min_level=rank.level if rank is not None else None,
        include_left=filters.get("left", False),
    )
    page = Paginator(people, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_edit": STAFF.user_has_permission(actor, "staff.edit"),
        "total": headcount_total(actor.organization),
    }
    return render(request, "staff/person_list.html", context)


@login_required
@require_safe
def headcount(request):
    actor = _require(request, "staff.view")
    rows = headcount_table(actor.organization)
    context = {"rows": rows, "total": sum(r["headcount"] for r in rows)}
    return render(request, "staff/headcount.html", context)


@login_required
@require_safe
def person_detail(request, person_id):
    actor = require_actor(request)
    person = access_person(actor, person_id)
    if not STAFF.user_has_permission_for_instance(actor, "staff.view", person):
        raise deny(actor, "staff.view", person)
    moves = person.moves.select_related("department", "rank")
    context = {"person": person, "moves": moves, "can_edit": STAFF.user_has_permission(actor, "staff.edit")}
    return render(request, "staff/person_detail.html", context)


@login_required
def person_new(request):
    actor = _require(request, "staff.edit")
    form = PersonForm(request.POST or None, organization=actor.organization)
    if request.method == "POST" and form.is_valid():
        person = write_or_form_errors(
            form,
            lambda: services.person_create(
                actor=actor,
                organization=actor.organization,
                data=form.person_data(),
                moved_on=form.cleaned_data["moved_on"],
            ),
        )
        if person is not None:
            messages.success(request, _("%(name)sを登録しました。") % {"name": person.name})
            return redirect("staff:person_detail", person_id=person.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/person_form.html", {"form": form, "person": None}, status=status)


@login_required
def person_edit(request, person_id):
    actor = require_actor(request)
    person = access_person(actor, person_id)
    if not STAFF.user_has_permission_for_instance(actor, "staff.edit", person):
        raise deny(actor, "staff.edit", person)
    initial = {f: getattr(person, f) for f in services.PERSON_FIELDS}
    form = PersonForm(request.POST or None, initial=initial, organization=actor.organization, person=person)
    if request.method == "POST" and form.is_valid():
        done = write_or_form_errors(
            form,
            lambda: services.person_update(
                actor=actor, person=person, data=form.person_data(), moved_on=form.cleaned_data["moved_on"]
            ),
        )
        if done is not None:
            messages.success(request, _("%(name)sを変更しました。") % {"name": person.name})
            return redirect("staff:person_detail", person_id=person.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/person_form.html", {"form": form, "person": person}, status=status)


@login_required
def person_login_new(request, person_id):
    """Make a login for a person of the register; the one-time link to set its password is shown once."""
    actor = require_actor(request)
    person = access_person(actor, person_id)
    if not STAFF.user_has_permission_for_instance(actor, "staff.edit", person):
        raise deny(actor, "staff.edit", person)
    if person.user_id is not None:
        messages.info(request, _("この方にはすでにログインがあります。"))
        return redirect("staff:person_detail", person_id=person.pk)
    initial = {"department": person.department_id}
    form = PersonLoginForm(request.POST or None, initial=initial, organization=actor.organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = write_or_form_errors(
            form,
            lambda: services.person_login_create(
                actor=actor,
                person=person,
                username=data["username"],
                roles=set(data["roles"]),
                department=data["department"],
            ),
        )
        if user is not None:
            from suishin.tenants.services import password_link

            return _show_link(request, user, password_link(user), _("ログインを作成しました"))
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/person_login_form.html", {"form": form, "person": person}, status=status)


def _require_person_editor(request, person_id):
    actor = require_actor(request)
    person = access_person(actor, person_id)
    if not STAFF.user_has_permission_for_instance(actor, "staff.edit", person):
        raise deny(actor, "staff.edit", person)
    return actor, person


@login_required
def person_user_link(request, person_id):
    """Link a person of the register to a login the organization already has (not another town's)."""
    actor, person = _require_person_editor(request, person_id)
    if person.user_id is not None:
        messages.info(request, _("この方にはすでにログインがあります。先に結びつけを解除してください。"))
        return redirect("staff:person_detail", person_id=person.pk)
    form = PersonUserForm(request.POST or None, organization=actor.organization)
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data["user"]
        if (
            write_or_form_errors(form, lambda: services.person_link_user(actor=actor, person=person, user=user))
            is not None
        ):
            shown = {"name": person.name, "username": user.username}
            messages.success(request, _("%(name)sにログイン %(username)s を結びつけました。") % shown)
            return redirect("staff:person_detail", person_id=person.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/person_user_link.html", {"form": form, "person": person}, status=status)


@login_required
@require_POST
def person_user_unlink(request, person_id):
    """Unlink a person's login; the login itself is left as it was."""
    actor, person = _require_person_editor(request, person_id)
    try:
        services.person_link_user(actor=actor, person=person, user=None)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)sとログインの結びつけを解除しました。") % {"name": person.name})
    return redirect("staff:person_detail", person_id=person.pk)


# --- 職位 (ranks) ------------------------------------------------------------------------------------


@login_required
@require_safe
def rank_list(request):
    actor = _require(request, "staff.view")
    return render(request, "staff/rank_list.html", _rank_list_context(actor))


@login_required
@require_POST
def rank_defaults(request):
    actor = _require(request, "staff.edit")
    services.ranks_create_defaults(actor=actor, organization=actor.organization)
    messages.success(request, _("既定の職位を登録しました。"))
    return redirect("staff:rank_list")


@login_required
def rank_new(request):
    actor = _require(request, "staff.edit")
    form = RankForm(request.POST or None, organization=actor.organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        rank = write_or_form_errors(
            form,
            lambda: services.rank_create(
                actor=actor, organization=actor.organization, name=data["name"], level=data["level"]
            ),
        )
        if rank is not None:
            messages.success(request, _("職位「%(name)s」を登録しました。") % {"name": rank.name})
            return redirect("staff:rank_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/rank_form.html", {"form": form, "rank": None}, status=status)


def _require_rank_editor(request, rank_id):
    actor = require_actor(request)
    rank = access_rank(actor, rank_id)  # another town's rank is a 404 whatever the role
    if not STAFF.user_has_permission(actor, "staff.edit"):
        raise deny(actor, "staff.edit", rank)
    return actor, rank


@login_required
def rank_edit(request, rank_id):
    actor, rank = _require_rank_editor(request, rank_id)
    initial = {"name": rank.name, "level": rank.level}
    form = RankForm(request.POST or None, initial=initial, organization=actor.organization, rank=rank)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = write_or_form_errors(
            form, lambda: services.rank_update(actor=actor, rank=rank, name=data["name"], level=data["level"])
        )
        if done is not None:
            messages.success(request, _("職位「%(name)s」を変更しました。") % {"name": rank.name})
            return redirect("staff:rank_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/rank_form.html", {"form": form, "rank": rank}, status=status)


@login_required
@require_POST
def rank_order(request, rank_id):
    """Move a 職位 one place up or down (the buttons of the list)."""
    actor, rank = _require_rank_editor(request, rank_id)
    form = RankMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("上へ・下へのどちらかを選んでください。"))
        return render(request, "staff/rank_list.html", _rank_list_context(actor), status=400)
    try:
        services.rank_move(actor=actor, rank=rank, direction=form.cleaned_data["direction"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("職位「%(name)s」の順番を変えました。") % {"name": rank.name})
    return redirect(reverse("staff:rank_list") + f"#rank-{rank.pk}")


def _rank_list_context(actor) -> dict:
    return {"ranks": ranks_with_holders(actor.organization), "can_edit": STAFF.user_has_permission(actor, "staff.edit")}


@login_required
def rank_delete(request, rank_id):
    """Confirm, then delete a 職位; refused, with the reason, while people (current or left) hold it or a
    move names it."""
    actor, rank = _require_rank_editor(request, rank_id)
    if request.method == "POST":
        try:
            services.rank_delete(actor=actor, rank=rank)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("staff:rank_list")
        messages.success(request, _("職位「%(name)s」を削除しました。") % {"name": rank.name})
        return redirect("staff:rank_list")
    context = {"rank": rank, "refusal": services.rank_delete_refusal(rank)}
    return render(request, "staff/rank_delete.html", context)


@login_required
def staff_import(request):
    actor = _require(request, "staff.edit")
    form = StaffImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = read_table_upload(form.cleaned_data["file"])
        except UploadError as error:
            form.add_error("file", str(error))
        else:
            from .tasks import staff_import_task

            job = job_start(
                actor=actor,
                kind="staff_import",
                title=_("職員名簿の取込み"),
                target=actor.organization,
                task=staff_import_task,
                payload=data,
                result_url=reverse("staff:person_list"),
                start_url=request.path,
            )
            return redirect("job_detail", job_id=job.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/staff_import.html", {"form": form}, status=status)


@login_required
@require_safe
def staff_export(request):
    """Download the register (personal data: the download is audited)."""
    actor = _require(request, "staff.view")
    kind = "csv" if request.GET.get("format") == "csv" else "xlsx"
    organization = actor.organization
    assert organization is not None  # require_actor refuses a user without an organization
    data = staff_csv_bytes(organization) if kind == "csv" else staff_xlsx_bytes(organization)
    audit_record(actor=actor.user, organization=organization, verb="staff.export", data={"format": kind})
    code = organization.local_government_code
    return file_response(
        data,
        CONTENT_TYPES[kind],
        filename=f"{organization.name}_職員名簿.{kind}",
        ascii_fallback=f"staff-{code}.{kind}",
    )


@login_required
@require_safe
def staff_import_template(request):
    _require(request, "staff.edit")
    kind = "csv" if request.GET.get("format") == "csv" else "xlsx"
    return file_response(
        staff_template(kind),
        CONTENT_TYPES[kind],
        filename=f"職員名簿_様式.{kind}",
        ascii_fallback=f"staff-template.{kind}",
    )
