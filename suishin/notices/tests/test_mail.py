"""Mail of notices: per the recipient's preference, with the summary and the link and nothing more."""

import pytest

from suishin.notices.delivery import deliver
from suishin.notices.models import MailPreference, Notice

from .factories import message


@pytest.fixture
def emails(cast):
    for town in (cast.town, cast.other):
        for name, user in town.users.items():
            user.email = f"{name}@{town.organization.local_government_code}.example.lg.jp"
            user.save()


def send(notice, capture):
    with capture(execute=True):
        return deliver(notice)


def test_a_task_is_mailed_with_summary_and_link_only(cast, emails, mailoutbox, django_capture_on_commit_callbacks):
    send(
        message(cast.town, "secretariat", summary="改定案が提出されました", url="/plans/3/"),
        django_capture_on_commit_callbacks,
    )
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [cast.town.users["secretariat"].email]
    assert "改定案が提出されました" in mail.subject and "自分の作業" in mail.subject
    assert "http://127.0.0.1:8000/plans/3/" in mail.body
    assert "http://127.0.0.1:8000/notices/mail/" in mail.body
    assert cast.town.organization.name in mail.body
    assert Notice.objects.get().mailed_at is not None


def test_default_preferences_mail_tasks_returns_and_deadlines_not_info(
    cast, emails, mailoutbox, django_capture_on_commit_callbacks
):
    for kind in ("task", "return", "deadline", "info"):
        send(message(cast.town, "staff", kind=kind, summary=kind), django_capture_on_commit_callbacks)
    assert sorted(m.subject.rsplit(" ", 1)[-1] for m in mailoutbox) == ["deadline", "return", "task"]
    assert Notice.objects.count() == 4, "every notice is in the app whatever the mail preference"


def test_a_user_who_turned_a_kind_off_gets_no_mail_of_it(cast, emails, mailoutbox, django_capture_on_commit_callbacks):
    MailPreference.objects.create(organization=cast.town.organization, user=cast.town.users["staff"], mail_return=False)
    send(message(cast.town, "staff", "committee", kind="return"), django_capture_on_commit_callbacks)
    assert [m.to for m in mailoutbox] == [[cast.town.users["committee"].email]]
    staff_notice = Notice.objects.get(recipient=cast.town.users["staff"])
    assert staff_notice.mailed_at is None


def test_the_preference_is_per_organization(cast, emails, mailoutbox, django_capture_on_commit_callbacks):
    """A user's choice in another organization does not decide the mail of this one."""
    user = cast.town.users["staff"]
    MailPreference.objects.create(organization=cast.other.organization, user=user, mail_task=False)
    send(message(cast.town, "staff"), django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1


def test_no_address_no_mail(cast, mailoutbox, django_capture_on_commit_callbacks):
    send(message(cast.town, "staff"), django_capture_on_commit_callbacks)
    assert mailoutbox == []
    assert Notice.objects.count() == 1


def test_a_notice_is_mailed_once(cast, emails, mailoutbox, django_capture_on_commit_callbacks):
    from suishin.notices.mail import mail_notices

    rows = send(message(cast.town, "staff"), django_capture_on_commit_callbacks)
    assert mail_notices(cast.town.organization.pk, [r.pk for r in rows]) == 0
    assert len(mailoutbox) == 1


def test_the_mail_task_of_one_town_cannot_mail_anothers_notices(
    cast, emails, mailoutbox, django_capture_on_commit_callbacks
):
    from suishin.notices.mail import mail_notices

    rows = deliver(message(cast.town, "staff"))  # not committed: no mail yet
    assert mail_notices(cast.other.organization.pk, [r.pk for r in rows]) == 0
    assert mailoutbox == []


def test_mail_is_in_japanese_whatever_the_active_language(cast, emails, mailoutbox, django_capture_on_commit_callbacks):
    from django.utils import translation

    with translation.override("en"):
        send(message(cast.town, "staff", kind="return"), django_capture_on_commit_callbacks)
    assert "差戻し" in mailoutbox[0].subject
