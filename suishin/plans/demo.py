"""The plans part of the demo town: 上里町's plan from seed 001, decided in April 2023."""

import datetime as dt

from suishin.core.registry import DemoContext, Seeder
from suishin.tenants.actor import actor_for_user
from suishin.tenants.models import Role

from .services import plan_create, plan_revision_create, plan_revision_transition


def seed_demo(context: DemoContext) -> None:
    """Create the plan, then the revision as decided: proposed and submitted by the secretariat, the
    decision of 行政改革推進本部 recorded by a committee member (four eyes)."""
    town = context.organization
    secretariat = actor_for_user(context.users[Role.SECRETARIAT], town.pk)
    plan = plan_create(actor=secretariat, structure=context.data["plan"])
    revision = plan_revision_create(
        actor=secretariat,
        plan=plan,
        published_on=dt.date.fromisoformat(context.data["plan"].get("published_on", "2023-04-01")),
        decided_by="行政改革推進本部",
        note="上里町DX推進計画（令和5年4月）",
    )
    revision = plan_revision_transition(actor=secretariat, revision=revision, action="submit")
    plan_revision_transition(
        actor=actor_for_user(context.users[Role.COMMITTEE], town.pk),
        revision=revision,
        action="accept",
        comment="行政改革推進本部で決定",
    )


DEMO_SEEDER = Seeder("plans", seed_demo, order=10)
