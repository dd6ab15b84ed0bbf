"""manage.py send_reminders: what the providers say is due, at most once per item, person and day."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from suishin.core import registry
from suishin.notices.models import Notice

from .factories import message

DAY = dt.date(2026, 6, 1)


@pytest.fixture
def provider(cast):
    """A provider as an app would register one: today, one 期限 for two people of the town."""
    calls = []

    def due(day):
        calls.append(day)
        return [
            message(
                cast.town,
                "department",
                "secretariat",
                kind="deadline",
                verb="target_report.due",
                summary=f"目標・評価方法の提出期限は {day:%m月%d日} です",
                url="/plans/1/",
                target_type="progress.TargetReport",
                target_id="5",
            )
        ]

    registry.register_reminder_provider(due)
    yield calls
    registry.reminder_providers.remove(due)


@pytest.fixture
def emails(cast):
    for name, user in cast.town.users.items():
        user.email = f"{name}@example.lg.jp"
        user.save()


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the command; its mail goes out when its writes commit, as in production."""

    def call(*args):
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", *args, stdout=out)
        return out.getvalue()

    return call


def test_reminders_are_stored_and_mailed(cast, emails, provider, mailoutbox, run):
    assert "2 reminder notices" in run("--date", DAY.isoformat())
    assert provider == [DAY]
    assert Notice.objects.filter(kind="deadline").count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["department@example.lg.jp", "secretariat@example.lg.jp"]


def test_a_second_run_the_same_day_sends_nothing_again(cast, emails, provider, mailoutbox, run):
    run("--date", DAY.isoformat())
    assert "0 reminder notices" in run("--date", DAY.isoformat())
    assert Notice.objects.count() == 2
    assert len(mailoutbox) == 2


def test_the_next_day_reminds_again(cast, emails, provider, mailoutbox, run):
    run("--date", DAY.isoformat())
    run("--date", (DAY + dt.timedelta(days=1)).isoformat())
    assert Notice.objects.count() == 4
    assert len(mailoutbox) == 4


def test_another_item_the_same_day_is_its_own_reminder(cast, emails, provider, mailoutbox, run):
    def other_item(day):
        return [message(cast.town, "department", kind="deadline", verb="target_report.due", target_id="6")]

    run("--date", DAY.isoformat())
    registry.register_reminder_provider(other_item)
    try:
        run("--date", DAY.isoformat())
    finally:
        registry.reminder_providers.remove(other_item)
    assert Notice.objects.count() == 3


def test_before_the_hour_nothing_is_sent(cast, provider, monkeypatch, run):
    from django.utils import timezone

    early = timezone.make_aware(dt.datetime(2026, 6, 1, 6, 30))
    monkeypatch.setattr(timezone, "localtime", lambda *a: early)
    run("--after", "08:00")
    assert provider == [] and not Notice.objects.exists()
    monkeypatch.setattr(timezone, "localtime", lambda *a: early.replace(hour=8))
    run("--after", "08:00")
    assert provider == [dt.date(2026, 6, 1)]


def test_a_failing_provider_does_not_stop_the_others(cast, provider, run):
    def broken(day):
        raise RuntimeError("boom")

    registry.reminder_providers.insert(0, broken)
    try:
        with pytest.raises(CommandError, match="1 reminder providers failed"):
            run("--date", DAY.isoformat())
    finally:
        registry.reminder_providers.remove(broken)
    assert Notice.objects.count() == 2


def test_a_provider_sends_deadlines_only(cast, run):
    def wrong(day):
        return [message(cast.town, "staff", kind="task")]

    registry.register_reminder_provider(wrong)
    try:
        with pytest.raises(CommandError):
            run("--date", DAY.isoformat())
    finally:
        registry.reminder_providers.remove(wrong)
    assert not Notice.objects.exists()


def test_bad_arguments_are_refused(run):
    with pytest.raises(CommandError, match="--date"):
        run("--date", "2026-13-01")
    with pytest.raises(CommandError, match="--after"):
        run("--after", "late")
