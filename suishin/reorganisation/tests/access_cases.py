"""The reorganisation pages in the access matrix (see suishin/core/access_matrix.py)."""

import datetime as dt

from suishin.core.access_matrix import EVERYONE, Case
from suishin.reorganisation.models import DepartmentMapping, DraftDepartment, Reorganisation
from suishin.tenants.models import Department

PREPARERS = frozenset({"admin", "secretariat"})
ADMIN = frozenset({"admin"})

CASES = {
    "reorganisation:list": Case(None, PREPARERS, set()),
    "reorganisation:create": Case(None, PREPARERS, PREPARERS),
    "reorganisation:tree": Case(None, EVERYONE, set()),
    "reorganisation:tree_json": Case(None, EVERYONE, set()),
    "reorganisation:detail": Case("reorganisation", PREPARERS, set()),
    "reorganisation:edit": Case("reorganisation", PREPARERS, PREPARERS),
    "reorganisation:delete": Case("reorganisation", set(), PREPARERS),
    "reorganisation:schedule": Case("reorganisation", set(), PREPARERS),
    "reorganisation:unschedule": Case("reorganisation", set(), PREPARERS),
    "reorganisation:apply": Case("reorganisation", set(), ADMIN),
    "reorganisation:draft": Case("reorganisation", PREPARERS, set()),
    "reorganisation:node_create": Case("reorganisation", PREPARERS, PREPARERS),
    "reorganisation:import": Case("reorganisation", PREPARERS, PREPARERS),
    "reorganisation:export": Case("reorganisation", PREPARERS, set()),
    "reorganisation:mapping": Case("reorganisation", PREPARERS, PREPARERS),
    "reorganisation:node_edit": Case("draft_department", PREPARERS, PREPARERS),
    "reorganisation:node_close": Case("draft_department", set(), PREPARERS),
    "reorganisation:node_restore": Case("department_mapping", set(), PREPARERS),
}

WATCHED = [Reorganisation, DraftDepartment, DepartmentMapping, Department]


def draft_of(town) -> Reorganisation:
    """The town's reorganisation in preparation, made with one department closed if there is none."""
    from suishin.reorganisation.services import draft_department_close, reorganisation_create
    from suishin.tenants.services import system_actor

    found = (
        Reorganisation.objects.for_organization(town.organization).exclude(status=Reorganisation.Status.APPLIED).first()
    )
    if found is not None:
        return found
    actor = system_actor(town.organization)
    reorganisation = reorganisation_create(
        actor=actor, organization=town.organization, title="令和8年度組織改編", effective_on=dt.date(2026, 4, 1)
    )
    closing = DraftDepartment.objects.for_organization(town.organization).get(
        reorganisation=reorganisation, continues=town.departments[-1]
    )
    draft_department_close(actor=actor, node=closing)
    return reorganisation


def objects_of(town) -> dict:
    reorganisation = draft_of(town)
    node = DraftDepartment.objects.for_organization(town.organization).filter(reorganisation=reorganisation).first()
    mapping = (
        DepartmentMapping.objects.for_organization(town.organization).filter(reorganisation=reorganisation).first()
    )
    return {
        "reorganisation": {"reorganisation_id": reorganisation.pk},
        "draft_department": {"node_id": node.pk},
        "department_mapping": {"mapping_id": mapping.pk},
    }
