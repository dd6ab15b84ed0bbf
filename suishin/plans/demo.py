"""The plans part of each demo town: its plan from the demo data file (上里町: seed 001, decided in April
2023; 神戸市: seed 003's ロードマップ2.0), with the revision as decided."""

import datetime as dt
from typing import cast

from suishin.core.registry import DemoContext, Seeder
from suishin.tenants.actor import actor_for_user
from suishin.tenants.models import Organization, Role

from .services import plan_create, plan_revision_create, plan_revision_transition


def seed_demo(context: DemoContext) -> None:
    """Create the plan, then the revision as decided: proposed and submitted by the secretariat, the
    decision of the body the data names (上里町: 行政改革推進本部) recorded by a committee member (four eyes)."""
    town = cast(Organization, context.organization)  # load_demo passes the demo town
    data = context.data["plan"]
    secretariat = actor_for_user(context.users[Role.SECRETARIAT], town.pk)
    plan = plan_create(actor=secretariat, structure=data)
    decided_by = data.get("decided_by", "行政改革推進本部")
    revision = plan_revision_create(
        actor=secretariat,
        plan=plan,
        published_on=dt.date.fromisoformat(data.get("published_on", "2023-04-01")),
        decided_by=decided_by,
        note=data.get("revision_note", "上里町DX推進計画（令和5年4月）"),
    )
    revision = plan_revision_transition(actor=secretariat, revision=revision, action="submit")
    plan_revision_transition(
        actor=actor_for_user(context.users[Role.COMMITTEE], town.pk),
        revision=revision,
        action="accept",
        comment=f"{decided_by}で決定",
    )


DEMO_SEEDER = Seeder("plans", seed_demo, order=10)
