"""A national-scale data set for the benchmark: up to 1,788 団体, each with the shape of a real town.

Rows are written with bulk_create, not through the services: this is generated data, made in minutes.
"""

import math
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from suishin.plans.models import Goal, Measure, MeasureDepartment, Plan, PriorityArea, RoadmapEntry, Stage
from suishin.tenants.local_government_code import check_digit, prefecture_code
from suishin.tenants.models import Department, Membership, Organization, Role

BENCH_PREFIX = "ベンチ"
BENCH_PASSWORD = "bench-pass-2026"  # noqa: S105 - generated benchmark accounts on a local database
ROLES = [Role.ADMIN, Role.SECRETARIAT, Role.COMMITTEE, Role.DEPARTMENT, Role.COUNCIL, Role.STAFF]
DEPARTMENTS = 17
AREAS = 8
MEASURES = 80
START_FY, END_FY = 2021, 2025
BATCH = 50


def municipality_code(index: int) -> str:
    """Return a valid code for the index-th generated municipality (spread over the 47 prefectures)."""
    first_five = f"{1 + index % 47:02d}{600 + index // 47:03d}"
    return f"{first_five}{check_digit(first_five)}"


def split(total: int) -> tuple[int, int]:
    """Return how many prefectures and municipalities make `total` organizations."""
    if total <= 1:
        return 0, total
    prefectures = min(47, max(1, math.ceil(total * 47 / 1788)))
    return prefectures, total - prefectures


def bench_username(code: str, role: str) -> str:
    return f"bench-{code}-{role}"


def seed_national(total: int, stdout=None) -> int:
    """Grow the bench data set to `total` organizations; return how many were added."""
    rng = random.Random(1788)  # noqa: S311 - reproducible test data, not security
    prefectures, municipalities = split(total)
    existing = set(
        Organization.objects.filter(name__startswith=BENCH_PREFIX).values_list("local_government_code", flat=True)
    )
    pref_codes = [prefecture_code(p) for p in range(1, prefectures + 1)]
    muni_codes = [municipality_code(i) for i in range(municipalities)]
    password = make_password(BENCH_PASSWORD)
    added = 0
    with transaction.atomic():
        new_prefs = [
            Organization(kind=Organization.Kind.PREFECTURE, local_government_code=c, name=f"{BENCH_PREFIX}県{c}")
            for c in pref_codes
            if c not in existing
        ]
        Organization.objects.bulk_create(new_prefs)
        added += len(new_prefs)
    prefecture_by_number = {
        int(o.local_government_code[:2]): o
        for o in Organization.objects.filter(kind=Organization.Kind.PREFECTURE, name__startswith=BENCH_PREFIX)
    }
    todo = [c for c in muni_codes if c not in existing]
    for start in range(0, len(todo), BATCH):
        with transaction.atomic():
            _seed_towns(todo[start : start + BATCH], prefecture_by_number, password, rng)
        added += len(todo[start : start + BATCH])
        if stdout is not None:
            stdout.write(f"  {min(start + BATCH, len(todo))}/{len(todo)} municipalities")
    _analyze()
    return added


def _analyze() -> None:
    """Give PostgreSQL's planner statistics at once, as autovacuum would after a while in production."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _seed_towns(codes, prefecture_by_number, password, rng) -> None:
    towns = Organization.objects.bulk_create(
        Organization(
            kind=Organization.Kind.MUNICIPALITY,
            local_government_code=code,
            name=f"{BENCH_PREFIX}町{code}",
            prefecture=prefecture_by_number.get(int(code[:2])),
            population=rng.randint(3_000, 300_000),
        )
        for code in codes
    )
    departments = Department.objects.bulk_create(
        Department(organization=town, code=f"D{d:02d}", name=f"第{d}課", position=d)
        for town in towns
        for d in range(1, DEPARTMENTS + 1)
    )
    departments_of = {town.pk: departments[i * DEPARTMENTS : (i + 1) * DEPARTMENTS] for i, town in enumerate(towns)}
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=bench_username(town.local_government_code, role), password=password)
        for town in towns
        for role in ROLES
    )
    Membership.objects.bulk_create(
        Membership(
            organization=town,
            user=users[i * len(ROLES) + r],
            role=role,
            department=departments_of[town.pk][1] if role == Role.DEPARTMENT else None,
        )
        for i, town in enumerate(towns)
        for r, role in enumerate(ROLES)
    )
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
    areas = PriorityArea.objects.bulk_create(
        PriorityArea(organization=plan.organization, plan=plan, position=a, title=f"重点取組事項{a}")
        for plan in plans
        for a in range(1, AREAS + 1)
    )
    per_area = MEASURES // AREAS
    stages = list(Stage.values)
    measures = Measure.objects.bulk_create(
        Measure(
            organization=area.organization,
            plan_id=area.plan_id,
            priority_area=area,
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
            department=departments_of[measure.organization.pk][(measure.position + i) % DEPARTMENTS],
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
