"""The plans part of the benchmark data: one plan per generated town, shaped like a real one
(3 goals, 8 priority areas, 80 measures with owners and two spans each, 上里町's one level of items), and
for the first town seeded a second plan of the same 80 measures under three levels of items, shaped like
神戸市's roadmap (2 柱 → 4 大項目 each → 2 中項目 each → 5 個別項目 each), for the 工程表 of 4 levels against
today's. Registered as a bench seeder."""

import random

from suishin.core.registry import Seeder

from .models import Goal, Measure, MeasureDepartment, Plan, PlanItem, RoadmapEntry, Stage

AREAS = 8
MEASURES = 80
START_FY, END_FY = 2021, 2025
LEVELED_SUFFIX = "（4階層）"  # the title's end that marks the leveled plan (bench/scenarios.py finds it by it)
LEVELED_NAMES = ["柱", "大項目", "中項目"]
LEVELED_FANOUT = [2, 4, 2]  # items under the plan, under each 柱, under each 大項目: 16 中項目 of 5 measures
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


def seed_plans(*, towns, departments_of, rng) -> None:
    """Give each of `towns` its plan (bulk inserts: generated data, not service writes)."""
    departments_per_town = len(next(iter(departments_of.values()))) if departments_of else 1
    plans = Plan.objects.bulk_create(
        Plan(
            organization=town,
            title=f"{town.name} DX推進計画",
            start_fy=START_FY,
            end_fy=END_FY,
            vision="デジタルの活用により、一人ひとりのニーズに合ったサービスを選ぶことができる社会",
            mission="行政サービスの向上と業務の効率化",
            level_names=["重点取組事項"],
            leaf_name="施策",
        )
        for town in towns
    )
    Goal.objects.bulk_create(
        Goal(organization=plan.organization, plan=plan, position=g, title=f"取組目標{g}")
        for plan in plans
        for g in range(1, 4)
    )
    areas = PlanItem.objects.bulk_create(
        PlanItem(organization=plan.organization, plan=plan, level=1, position=a, title=f"重点取組事項{a}")
        for plan in plans
        for a in range(1, AREAS + 1)
    )
    per_area = MEASURES // AREAS
    measures = Measure.objects.bulk_create(
        _measure(area, m, f"{area.position:02d}-{m:02d}", f"施策{area.position}-{m}")
        for area in areas
        for m in range(1, per_area + 1)
    )
    _seed_owners_and_spans(measures, departments_of, departments_per_town, rng)
    if towns and not Plan.objects.filter(title__endswith=LEVELED_SUFFIX).exists():  # scoped: bench data only
        # Its own random numbers: the other towns' spans stay what they were before it existed.
        leveled = _seed_leveled_plan(towns[0])
        _seed_owners_and_spans(leveled, departments_of, departments_per_town, random.Random(4))  # noqa: S311


def _measure(item: PlanItem, m: int, number: str, title: str) -> Measure:
    stages = list(Stage.values)
    return Measure(
        organization=item.organization,
        plan_id=item.plan_id,
        item=item,
        number=number,
        position=m,
        title=title,
        problem="課題の説明",
        causes="要因・根拠の説明",
        actions="具体的な取組内容の説明",
        expected_effects="効果見込み・目標の説明",
        stage=stages[(item.position + m) % 3],
    )


def _seed_leveled_plan(town) -> list[Measure]:
    """Give `town` the plan of three levels of items; return its 80 measures."""
    plan = Plan.objects.create(
        organization=town,
        title=f"{town.name} 働き方改革ロードマップ{LEVELED_SUFFIX}",
        start_fy=START_FY,
        end_fy=END_FY,
        vision="ヒューマンで優しいスマートシティ",
        mission="市民の利便性と満足度を高める",
        level_names=LEVELED_NAMES,
        leaf_name="個別項目",
    )
    Goal.objects.bulk_create(Goal(organization=town, plan=plan, position=g, title=f"目標{g}") for g in range(1, 4))
    parents: list[PlanItem | None] = [None]
    items: list[PlanItem] = []
    for level, fanout in enumerate(LEVELED_FANOUT, start=1):
        items = PlanItem.objects.bulk_create(
            PlanItem(
                organization=town,
                plan=plan,
                parent=parent,
                level=level,
                position=n,
                number=f"({n})" if level == 2 else CIRCLED[n - 1],
                title=f"{LEVELED_NAMES[level - 1]}{n}",
                description="概要の説明" if level == 3 else "",
            )
            for parent in parents
            for n in range(1, fanout + 1)
        )
        parents = list(items)
    per_item = MEASURES // len(items)
    return Measure.objects.bulk_create(
        _measure(item, m, CIRCLED[m - 1], f"個別項目{i + 1}-{m}")
        for i, item in enumerate(items)
        for m in range(1, per_item + 1)
    )


def _seed_owners_and_spans(measures, departments_of, departments_per_town, rng) -> None:
    MeasureDepartment.objects.bulk_create(
        MeasureDepartment(
            organization=measure.organization,
            measure=measure,
            department=departments_of[measure.organization.pk][(measure.position + i) % departments_per_town],
        )
        for measure in measures
        for i in range(1 + measure.position % 2)
    )
    entries = []
    for measure in measures:
        split_year = rng.randint(START_FY, END_FY - 1)
        entries.append(
            RoadmapEntry(
                organization=measure.organization,
                measure=measure,
                label="検討・準備",
                start_fy=START_FY,
                end_fy=split_year,
                position=1,
            )
        )
        entries.append(
            RoadmapEntry(
                organization=measure.organization,
                measure=measure,
                label="実施・拡大",
                start_fy=split_year + 1,
                end_fy=END_FY,
                position=2,
            )
        )
    RoadmapEntry.objects.bulk_create(entries, batch_size=2000)


BENCH_SEEDER = Seeder("plans", seed_plans, order=10)
