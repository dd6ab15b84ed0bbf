"""Plans for tests, built through the same service the app uses."""

from suishin.plans.models import Plan
from suishin.plans.services import plan_create
from suishin.tenants.tests.factories import Town


def plan_structure(town: Town, measures: int = 3, areas: int = 2, start_fy: int = 2021, end_fy: int = 2025) -> dict:
    names = [d.name for d in town.departments]
    return {
        "title": f"{town.organization.name}DX推進計画",
        "start_fy": start_fy,
        "end_fy": end_fy,
        "vision": "誰一人取り残さない、人に優しいデジタル化",
        "mission": "行政サービスの向上",
        "positioning": "官民データ活用推進基本法第9条第3項",
        "goals": ["町民にとっては使いやすい行政サービス", "行政にとっては効率化"],
        "priority_areas": [
            {
                "title": f"重点取組事項{a + 1}",
                "description": "説明",
                "measures": [
                    {
                        "title": f"施策{a + 1}-{m + 1}",
                        "problem": "課題",
                        "causes": "要因",
                        "actions": "取組",
                        "expected_effects": "効果",
                        "departments": [names[1 + (m % 2)]],
                        "national_kpi_note": "【国のKPI】例" if m == 0 else "",
                        "roadmap": [
                            {"label": f"準備{a + 1}-{m + 1}", "start_fy": start_fy, "end_fy": start_fy},
                            {"label": f"実施{a + 1}-{m + 1}", "start_fy": start_fy + 1, "end_fy": end_fy},
                        ],
                    }
                    for m in range(measures // areas + (1 if a < measures % areas else 0))
                ],
            }
            for a in range(areas)
        ],
    }


def make_plan(town: Town, measures: int = 3, areas: int = 2, **kwargs) -> Plan:
    return plan_create(actor=town.actor("secretariat"), structure=plan_structure(town, measures, areas, **kwargs))


def decided_revision(town: Town, plan: Plan, published_on, **fields):
    """A revision proposed and submitted by the secretariat and decided, as the app does it (four eyes:
    the committee member records the decision)."""
    from suishin.plans.services import plan_revision_create, plan_revision_transition

    revision = plan_revision_create(actor=town.actor("secretariat"), plan=plan, published_on=published_on, **fields)
    revision = plan_revision_transition(actor=town.actor("secretariat"), revision=revision, action="submit")
    return plan_revision_transition(actor=town.actor("committee"), revision=revision, action="accept")
