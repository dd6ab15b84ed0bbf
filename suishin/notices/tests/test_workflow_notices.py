"""A plan revision's 提出 and 差戻し reach the people they concern: in the bell and in the mail."""

import datetime as dt

from django.core import mail
from django.urls import reverse

from suishin.plans.services import plan_revision_create, plan_revision_transition


def test_submit_and_return_show_in_the_bell_and_the_mail(client, cast, plan, django_capture_on_commit_callbacks):
    for role in ("secretariat", "committee"):
        user = cast.town.users[role]
        user.email = f"{role}@town.example.lg.jp"
        user.save()
    secretariat, committee = cast.town.actor("secretariat"), cast.town.actor("committee")
    revision = plan_revision_create(actor=secretariat, plan=plan, published_on=dt.date(2024, 4, 1))
    with django_capture_on_commit_callbacks(execute=True):
        plan_revision_transition(actor=secretariat, revision=revision, action="submit")
    assert [m.to for m in mail.outbox] == [["committee@town.example.lg.jp"]], "tasks for me are mailed by default"
    client.force_login(cast.town.users["committee"])
    page = client.get(reverse("notices:notice_list")).content.decode()
    assert revision.get_absolute_url() in page and "決定待ち" in page
    assert "未読 1 件" in client.get(reverse("home")).content.decode()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        plan_revision_transition(actor=committee, revision=revision, action="return", comment="日付を直してください")
    client.force_login(cast.town.users["secretariat"])
    page = client.get(reverse("notices:notice_list")).content.decode()
    assert "差戻し" in page and revision.get_absolute_url() in page
    assert "日付を直してください" not in page, "the reason is read on the revision's page, not in the notice"
    assert [m.to for m in mail.outbox] == [["secretariat@town.example.lg.jp"]]
    assert "差戻し" in mail.outbox[0].body + mail.outbox[0].subject
    assert "日付を直してください" not in mail.outbox[0].body
