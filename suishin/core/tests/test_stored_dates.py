import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from suishin.core.stored_dates import find_unshowable_values
from suishin.plans.models import Plan, PlanRevision, RoadmapEntry
from suishin.plans.snapshots import plan_snapshot


def run_check() -> str:
    out = io.StringIO()
    call_command("check_stored_dates", stdout=out)
    return out.getvalue()


def test_check_passes_on_clean_data(plan, other_plan):
    assert "見つかりませんでした" in run_check()


def test_check_names_model_row_and_value_of_each_date_the_app_cannot_show(plan, other_plan):
    """A revision dated 0226-04-01 and out-of-range fiscal years, in either town, are each listed."""
    typo = PlanRevision.objects.create(
        organization=plan.organization, plan=plan, number=1, published_on=dt.date(226, 4, 1), snapshot={}
    )
    PlanRevision.objects.create(
        organization=other_plan.organization,
        plan=other_plan,
        number=1,
        published_on=dt.date(2023, 4, 1),
        snapshot=plan_snapshot(other_plan),
    )
    entry = RoadmapEntry.objects.filter(measure__plan=other_plan).first()
    RoadmapEntry.objects.filter(pk=entry.pk).update(start_fy=1900)
    Plan.objects.filter(pk=other_plan.pk).update(start_fy=1900, end_fy=99999)
    out = io.StringIO()
    with pytest.raises(CommandError, match="4件"):
        call_command("check_stored_dates", stdout=out)
    lines = out.getvalue().splitlines()
    assert f"plans.PlanRevision id={typo.pk} published_on=0226-04-01" in lines
    assert f"plans.RoadmapEntry id={entry.pk} start_fy=1900" in lines
    assert f"plans.Plan id={other_plan.pk} start_fy=1900" in lines
    assert f"plans.Plan id={other_plan.pk} end_fy=99999" in lines
    assert len(lines) == 4


def test_check_costs_one_query_per_checked_field(plan, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        assert list(find_unshowable_values()) == []
