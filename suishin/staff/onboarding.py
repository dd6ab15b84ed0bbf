"""The home page's checklist for a new town (departments → staff → users → plan), shown to its admins
until every step is done."""

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from suishin.tenants.models import Department, Membership, Role

from .models import Person


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _has_plan(organization) -> bool:
    # The plans app is a neighbour, not a floor below: asked through the app registry, not imported.
    if not apps.is_installed("suishin.plans"):
        return True
    plan = apps.get_model("plans", "Plan")
    return plan.objects.for_organization(organization).exists()


def onboarding_steps(organization) -> list[dict]:
    """Return the four steps, each with whether it is done and where to do it (four small queries)."""
    users = Membership.objects.for_organization(organization).values("user_id").distinct().count()
    return [
        {
            "label": _("組織（課・局）を登録する"),
            "done": Department.objects.for_organization(organization).exists(),
            "url": _url("tenants_admin:department_tree"),
        },
        {
            "label": _("職員名簿を登録する（Excel・CSVから取り込めます）"),
            "done": Person.objects.for_organization(organization).exists(),
            "url": _url("staff:person_list"),
        },
        {"label": _("ユーザーを登録する"), "done": users > 1, "url": _url("tenants_admin:user_list")},
        {"label": _("計画を登録する"), "done": _has_plan(organization), "url": _url("plans:plan_list")},
    ]


def onboarding_section(actor) -> dict:
    """The home section's data: the steps for an admin of a town that has not finished them, else none."""
    if actor.organization is None or not actor.has_role(Role.ADMIN):
        return {"steps": []}
    steps = onboarding_steps(actor.organization)
    return {"steps": [] if all(s["done"] for s in steps) else steps}
