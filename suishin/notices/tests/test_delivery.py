"""The notice hook: send_notice stores one row per recipient of the organization, and queues the mail."""

import pytest

from suishin.core import registry
from suishin.core.registry import NOTICE_KINDS, send_notice
from suishin.notices.delivery import deliver
from suishin.notices.models import Kind, Notice

from .factories import message


def test_the_app_registers_its_hook_and_knows_every_kind():
    assert deliver in registry.notice_hooks
    assert set(Kind.values) == set(NOTICE_KINDS)


def test_send_notice_stores_one_notice_per_recipient(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_notice(
            message(cast.town, "secretariat", "committee", "secretariat", target_type="plans.Plan", target_id="7")
        )
    rows = Notice.objects.for_organization(cast.town.organization)
    assert sorted(rows.values_list("recipient_id", flat=True)) == sorted(
        [cast.town.users["secretariat"].pk, cast.town.users["committee"].pk]
    )
    row = rows.first()
    assert (row.kind, row.verb, row.url, row.target_type, row.target_id) == (
        "task",
        "plan_revision.submit",
        "/plans/1/",
        "plans.Plan",
        "7",
    )
    assert row.is_unread


def test_recipients_outside_the_organization_get_nothing(cast):
    """A sender that names another town's user does not reach them: notices stay in their town."""
    notice = message(cast.town, "secretariat")
    notice = registry.Notice(
        **{**notice.__dict__, "recipient_ids": (cast.town.users["staff"].pk, cast.other.users["secretariat"].pk)}
    )
    deliver(notice)
    assert list(Notice.objects.values_list("recipient_id", flat=True)) == [cast.town.users["staff"].pk]


def test_inactive_users_get_nothing(cast):
    user = cast.town.users["staff"]
    user.is_active = False
    user.save()
    assert deliver(message(cast.town, "staff")) == []


@pytest.mark.parametrize("url", ["https://example.com/", "//example.com/x", "javascript:alert(1)", "plans/1/"])
def test_a_link_must_stay_on_this_site(cast, url):
    with pytest.raises(ValueError):
        deliver(message(cast.town, "staff", url=url))
    assert not Notice.objects.exists()


def test_an_unknown_kind_is_refused(cast):
    with pytest.raises(ValueError):
        deliver(message(cast.town, "staff", kind="gossip"))


def test_summary_is_kept_on_one_line_and_short(cast):
    deliver(message(cast.town, "staff", summary="一行目\r\n二行目" + "あ" * 400))
    summary = Notice.objects.get().summary
    assert "\n" not in summary and "\r" not in summary and len(summary) == 300


def test_nothing_is_mailed_when_the_senders_transaction_rolls_back(cast, mailoutbox):
    """The mail waits for the commit: a submit that failed tells nobody."""
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        deliver(message(cast.town, "secretariat"))
        raise RuntimeError
    assert not Notice.objects.exists()
    assert mailoutbox == []
