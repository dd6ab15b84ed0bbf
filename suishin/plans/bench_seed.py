"""The plans part of the benchmark data: one plan per generated town, shaped like a real one
(3 goals, 8 priority areas, 80 measures with owners and two spans each). Registered as a bench seeder."""

from suishin.core.registry import Seeder

from .models import Goal, Measure, MeasureDepartment, Plan, PlanItem, RoadmapEntry, Stage

AREAS = 8
MEASURES = 80
START_FY, END_FY = 2021, 2025


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
        )
        for town in towns
    )
    Goal.objects.bulk_create(
        Goal(organization=plan.organization, plan=plan, position=g, title=f"取組目標{g}")
        for plan in plans
        for g in range(1, 4)
    )
    areas = PlanItem.objects.bulk_create(
        PlanItem(organization=plan.organization, plan=plan, position=a, title=f"重点取組事項{a}")
        for plan in plans
        for a in range(1, AREAS + 1)
    )
    per_area = MEASURES // AREAS
    stages = list(Stage.values)
    measures = Measure.objects.bulk_create(
        Measure(
            organization=area.organization,
            plan_id=area.plan_id,
            item=area,
            number=f"{area.position:02d}-{m:02d}",
            position=m,
            title=f"施策{area.position}-{m}",
            problem="課題の説明",
            causes="要因・根拠の説明",
            actions="具体的な取組内容の説明",
            expected_effects="効果見込み・目標の説明",
            stage=stages[(area.position + m) % 3],
        )
        for area in areas
        for m in range(1, per_area + 1)
    )
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
