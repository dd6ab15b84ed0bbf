"""Services of the notices app: a user changes only their own notices and preference."""

import pytest
from django.http import Http404

from suishin.core.models import AuditLog
from suishin.notices import services
from suishin.notices.models import MailPreference, Notice
from suishin.notices.selectors import mail_preference_of, unread_count

from .factories import make_notices


def test_mark_read_marks_the_own_notice_once(cast):
    actor = cast.town.actor("staff")
    notice = make_notices(cast.town, "staff", 1)[0]
    services.notice_mark_read(actor=actor, notice=notice)
    first = Notice.objects.get(pk=notice.pk).read_at
    assert first is not None
    services.notice_mark_read(actor=actor, notice=notice)
    assert Notice.objects.get(pk=notice.pk).read_at == first
    assert unread_count(actor) == 0


def test_a_colleagues_notice_is_refused_as_not_found_and_audited(cast):
    notice = make_notices(cast.town, "secretariat", 1)[0]
    with pytest.raises(Http404):
        services.notice_mark_read(actor=cast.town.actor("staff"), notice=notice)
    assert Notice.objects.get(pk=notice.pk).is_unread
    refusal = AuditLog.objects.get(verb="authorization.denied")
    assert refusal.data == {"action": "notice.read", "reason": "other_user", "target_type": "notices.Notice"}


def test_mark_all_read_touches_only_the_own_notices_of_the_organization(cast):
    make_notices(cast.town, "staff", 3)
    make_notices(cast.town, "secretariat", 2)
    actor = cast.town.actor("staff")
    assert services.notices_mark_all_read(actor=actor, organization=actor.organization) == 3
    assert unread_count(actor) == 0
    assert unread_count(cast.town.actor("secretariat")) == 2


def test_mark_all_read_in_another_organization_is_refused(cast):
    actor = cast.town.actor("staff")
    with pytest.raises(Http404):
        services.notices_mark_all_read(actor=actor, organization=cast.other.organization)


def test_preference_update_saves_and_audits_the_change(cast):
    actor = cast.town.actor("department")
    preference = mail_preference_of(actor)
    assert preference.pk is None and preference.mailed_kinds == {"task", "return", "deadline"}
    services.mail_preference_update(actor=actor, preference=preference, kinds={"task", "info"})
    saved = MailPreference.objects.get(user=cast.town.users["department"])
    assert saved.mailed_kinds == {"task", "info"}
    entry = AuditLog.objects.get(verb="mail_preference.update")
    assert entry.data == {"mail_return": [True, False], "mail_deadline": [True, False], "mail_info": [False, True]}
    assert entry.organization == cast.town.organization


def test_preference_unchanged_writes_no_audit_entry(cast):
    actor = cast.town.actor("department")
    services.mail_preference_update(
        actor=actor, preference=mail_preference_of(actor), kinds={"task", "return", "deadline"}
    )
    assert MailPreference.objects.count() == 1
    assert not AuditLog.objects.filter(verb="mail_preference.update").exists()


def test_a_colleagues_preference_is_refused(cast):
    preference = mail_preference_of(cast.town.actor("secretariat"))
    with pytest.raises(Http404):
        services.mail_preference_update(actor=cast.town.actor("staff"), preference=preference, kinds=set())
    assert not MailPreference.objects.exists()
