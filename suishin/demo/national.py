"""A national-scale data set for the benchmark: up to 1,788 団体, each with the shape of a real town.

Rows are written with bulk_create, not through the services: this is generated data, made in minutes.
This module makes the organizations, departments and users; each app adds its part through the bench
seeders it registers (suishin.core.registry.register_bench_seeder): plans adds a plan per town.
"""

import math
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from suishin.core.registry import bench_seeders
from suishin.tenants.local_government_code import check_digit, prefecture_code
from suishin.tenants.models import Department, Membership, Organization, Role

BENCH_PREFIX = "ベンチ"
BENCH_PASSWORD = "bench-pass-2026"  # noqa: S105 - generated benchmark accounts on a local database
ROLES = [Role.ADMIN, Role.SECRETARIAT, Role.COMMITTEE, Role.DEPARTMENT, Role.COUNCIL, Role.STAFF]
DEPARTMENTS = 17
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
    for seeder in bench_seeders:
        seeder.run(towns=towns, departments_of=departments_of, rng=rng)
