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
        "items": [
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


# Numbers as 神戸市 prints them: ① for 柱, (1) for 大項目, ① again below, restarting under each parent.
KOBE_STYLE = ["circled", "parenthesized", "circled", "circled", "circled", "circled"]


def _styled(style: str, n: int) -> str:
    if style == "circled":
        return "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"[n - 1]
    if style == "parenthesized":
        return f"({n})"
    return f"{n:02d}"


def leveled_structure(
    town: Town,
    level_names: list[str],
    *,
    fanout: int = 2,
    measures: int = 2,
    leaf_name: str = "個別項目",
    start_fy: int = 2021,
    end_fy: int = 2025,
) -> dict:
    """A plan of len(level_names) levels (0 to 5): `fanout` items under each item, `measures` measures under each
    item of the last level (or at the top), numbered in 神戸市's style; every measure with an owner and two spans."""
    names = [d.name for d in town.departments]
    counter = iter(range(1, 10**6))

    def measure(n: int, path: str) -> dict:
        index = next(counter)
        return {
            "number": _styled(KOBE_STYLE[len(level_names)], n),
            "title": f"個別項目{path}-{n}",
            "actions": "取組",
            "departments": [names[1 + (index % 2)]],
            "roadmap": [
                {"label": f"準備{path}-{n}", "start_fy": start_fy, "end_fy": start_fy},
                {"label": f"実施{path}-{n}", "start_fy": start_fy + 1, "end_fy": end_fy},
            ],
        }

    def items(level: int, path: str) -> list[dict]:
        return [
            {
                "number": _styled(KOBE_STYLE[level], n),
                "title": f"{level_names[level]}{path}{n}",
                "description": "概要",
                "items": items(level + 1, f"{path}{n}-") if level + 1 < len(level_names) else [],
                "measures": [measure(m, f"{path}{n}") for m in range(1, measures + 1)]
                if level + 1 == len(level_names)
                else [],
            }
            for n in range(1, fanout + 1)
        ]

    return {
        "title": f"{town.organization.name}DX推進計画（{len(level_names)}階層）",
        "start_fy": start_fy,
        "end_fy": end_fy,
        "vision": "ビジョン",
        "level_names": list(level_names),
        "leaf_name": leaf_name,
        "goals": ["市民目線で行政サービスを質的に向上"],
        "items": items(0, "") if level_names else [],
        "measures": [measure(m, "") for m in range(1, measures + 1)] if not level_names else [],
    }


def make_leveled_plan(town: Town, level_names: list[str], **kwargs) -> Plan:
    return plan_create(actor=town.actor("secretariat"), structure=leveled_structure(town, level_names, **kwargs))
