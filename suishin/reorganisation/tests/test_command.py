"""manage.py apply_reorganisations on a date: due ones applied once, others left for their day."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from suishin.reorganisation.models import Reorganisation
from suishin.reorganisation.services import reorganisation_schedule
from suishin.tenants.models import Department

from .factories import merge_reorganisation


def run(day: str) -> str:
    out = io.StringIO()
    call_command("apply_reorganisations", "--date", day, stdout=out)
    return out.getvalue()


def test_the_command_applies_on_the_date_and_never_twice(cast):
    reorganisation = merge_reorganisation(cast.town, dt.date(2027, 4, 1))
    reorganisation_schedule(actor=cast.town.actor("secretariat"), reorganisation=reorganisation)

    assert run("2027-03-31") == ""
    assert Reorganisation.objects.get(pk=reorganisation.pk).status == Reorganisation.Status.SCHEDULED

    assert "施行しました" in run("2027-04-01")
    applied = Reorganisation.objects.get(pk=reorganisation.pk)
    assert applied.status == Reorganisation.Status.APPLIED
    assert applied.applied_on == dt.date(2027, 4, 1) and applied.applied_by is None
    assert Department.objects.get(pk=cast.town.departments[2].pk).closed_on == dt.date(2027, 4, 1)

    assert run("2027-04-02") == ""


def test_a_late_run_still_dates_the_change_on_its_effective_day(cast):
    reorganisation = merge_reorganisation(cast.town, dt.date(2027, 4, 1))
    reorganisation_schedule(actor=cast.town.actor("admin"), reorganisation=reorganisation)
    run("2027-04-03")
    assert Reorganisation.objects.get(pk=reorganisation.pk).applied_on == dt.date(2027, 4, 1)


def test_one_that_cannot_be_applied_is_reported_and_left_scheduled(cast):
    reorganisation = merge_reorganisation(cast.town, dt.date(2027, 4, 1))
    reorganisation_schedule(actor=cast.town.actor("admin"), reorganisation=reorganisation)
    Department.objects.create(organization=cast.town.organization, code="L01", name="後から課")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("apply_reorganisations", "--date", "2027-04-01", stdout=io.StringIO(), stderr=err)
    assert "後から課" in err.getvalue()
    assert Reorganisation.objects.get(pk=reorganisation.pk).status == Reorganisation.Status.SCHEDULED


def test_a_date_that_is_not_iso_is_refused():
    with pytest.raises(CommandError):
        call_command("apply_reorganisations", "--date", "令和9年4月1日")
