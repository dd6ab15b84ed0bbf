"""bulk_insert writes exactly the rows given, fills times and defaults, and batches within the database's limits."""

from django.db import connection
from django.utils import timezone

from suishin.core.bulk import bulk_insert
from suishin.plans.models import RoadmapEntry


def test_rows_are_inserted_as_given_with_times_and_defaults(plan):
    measure = plan.measures.first()
    before = timezone.now()
    # 300 rows × 9 columns is more parameters than SQLite takes in one statement: several batches.
    rows = [(plan.organization_id, measure.pk, f"取組{i}'); DROP TABLE x; --", 2024, 2025, i) for i in range(300)]
    RoadmapEntry.objects.filter(measure=measure).delete()
    count = bulk_insert(
        RoadmapEntry, ["organization_id", "measure_id", "label", "start_fy", "end_fy", "position"], rows
    )
    assert count == 300
    saved = list(
        RoadmapEntry.objects.filter(measure=measure)
        .order_by("position")
        .values_list("organization_id", "measure_id", "label", "start_fy", "end_fy", "position")
    )
    assert saved == rows
    times = set(RoadmapEntry.objects.filter(measure=measure).values_list("created_at", "updated_at"))
    assert len(times) == 1
    created, updated = times.pop()
    assert created == updated and before <= created <= timezone.now()
    assert set(RoadmapEntry.objects.filter(measure=measure).values_list("version", flat=True)) == {1}


def test_nothing_to_insert_sends_no_query(plan, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk_insert(RoadmapEntry, ["organization_id", "measure_id", "label"], []) == 0


def test_statement_count_stays_small(plan, django_assert_max_num_queries):
    measure = plan.measures.first()
    rows = [(plan.organization_id, measure.pk, "取組", 2024, 2024, i) for i in range(1000)]
    fields = ["organization_id", "measure_id", "label", "start_fy", "end_fy", "position"]
    expected = 1 if connection.vendor == "postgresql" else -(-1000 // (connection.features.max_query_params // 9))
    with django_assert_max_num_queries(expected):
        bulk_insert(RoadmapEntry, fields, rows)
    assert RoadmapEntry.objects.filter(measure=measure, label="取組").count() == 1000


def test_a_value_too_long_for_its_column_is_refused_not_cut(plan):
    import pytest
    from django.db import DataError, transaction

    measure = plan.measures.first()
    row = (plan.organization_id, measure.pk, "長" * 250, 2024, 2024, 1)
    fields = ["organization_id", "measure_id", "label", "start_fy", "end_fy", "position"]
    if connection.vendor != "postgresql":  # SQLite does not enforce lengths, for Django's bulk_create neither
        return
    with pytest.raises(DataError), transaction.atomic():
        bulk_insert(RoadmapEntry, fields, [row])
    assert not RoadmapEntry.objects.filter(label__startswith="長長").exists()
