"""What stands between a reorganisation and its application: every problem, named for the user.

The same checks run when it is scheduled, on its page (something may have changed since), and in the
transaction that applies it.
"""

from django.utils.translation import gettext as _

from suishin.tenants.models import Department

from .models import DepartmentMapping, DraftDepartment, Reorganisation
from .selectors import open_row_counts


def reorganisation_problems(reorganisation: Reorganisation) -> list[str]:
    """Return every reason the reorganisation cannot be applied now (none: it can)."""
    organization = reorganisation.organization_id
    problems: list[str] = []
    nodes = list(
        DraftDepartment.objects.for_organization(organization)
        .filter(reorganisation=reorganisation)
        .select_related("continues")
    )
    mappings = list(
        DepartmentMapping.objects.for_organization(organization)
        .filter(reorganisation=reorganisation)
        .select_related("old_department")
    )
    if not nodes:
        problems.append(_("改編後の組織が一つもありません。"))
    departments = {d.pk: d for d in Department.objects.for_organization(organization)}
    closed = {pk for pk, d in departments.items() if d.is_closed}
    continued = {node.continues_id: node for node in nodes if node.continues_id}
    mapped = {m.old_department_id: m for m in mappings}

    for pk, department in departments.items():
        if pk in closed:
            if pk in continued or pk in mapped:
                problems.append(_("「%(name)s」はすでに廃止されています。") % {"name": department.name})
        elif pk not in continued and pk not in mapped:
            problems.append(
                _("「%(name)s」の扱いが決まっていません。改編後の組織に残すか、廃止してください。")
                % {"name": department.name}
            )
        elif pk in continued and pk in mapped:
            problems.append(_("「%(name)s」は残すと廃止の両方になっています。") % {"name": department.name})

    # A code or name of the new tree may not be one another department (today's, or a closed one) has.
    for node in nodes:
        for other in departments.values():
            if other.pk == node.continues_id:
                continue
            if other.code == node.code:
                problems.append(
                    _("組織コード「%(code)s」は「%(other)s」が使っています（入れ替えは2回の改編に分けてください）。")
                    % {"code": node.code, "other": other.name}
                )
            if other.name == node.name:
                problems.append(
                    _(
                        "組織名「%(name)s」は別の課（組織コード%(code)s）が使っています（入れ替えは2回の改編に分けてください）。"
                    )
                    % {"name": node.name, "code": other.code}
                )

    # A department closed with nothing to hand over may not own anything of an open year.
    alone = [m.old_department_id for m in mappings if m.successor_id is None]
    for pk, counts in open_row_counts(organization, alone).items():
        shown = "、".join(_("%(label)s%(n)s件") % {"label": label, "n": n} for label, n in counts)
        problems.append(
            _("「%(name)s」を廃止するには引継ぎ先を選んでください（%(counts)s）。")
            % {"name": departments[pk].name, "counts": shown}
        )
    return problems
