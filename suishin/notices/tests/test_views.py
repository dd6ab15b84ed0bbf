"""Notice pages through HTTP: the bell, the list, marking read, the mail preference; all tenant-scoped."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suishin.notices.models import MailPreference, Notice
from suishin.tenants.models import Membership, Role

from .factories import make_notices

LIST = reverse("notices:notice_list")


@pytest.fixture
def staff(client, cast):
    client.force_login(cast.town.users["staff"])
    return client


def bell(html: str) -> str:
    return re.search(r'<a class="notice-bell[^"]*" href="/notices/" aria-label="([^"]+)"', html).group(1)


def test_the_bell_shows_the_unread_count_on_every_page(staff, cast, plan):
    make_notices(cast.town, "staff", 3)
    make_notices(cast.town, "staff", 2, read=True)
    make_notices(cast.town, "secretariat", 4)
    make_notices(cast.other, "staff", 5)
    for url in (reverse("home"), reverse("plans:plan_detail", args=[plan.pk]), LIST):
        html = staff.get(url).content.decode()
        assert bell(html) == "お知らせ（未読 3 件）"
        assert '<span class="notice-bell__count">3</span>' in html


def test_the_bell_without_unread_notices_shows_no_count(staff):
    html = staff.get(reverse("home")).content.decode()
    assert bell(html) == "お知らせ（未読 0 件）"
    assert "notice-bell__count" not in html


def test_the_bell_costs_one_query(staff, cast):
    """A page costs one query more with the bell, whatever the number of notices."""

    def count(n):
        make_notices(cast.town, "staff", n)
        with CaptureQueriesContext(connection) as queries:
            staff.get(reverse("home"))
        return [q["sql"] for q in queries if "notices_notice" in q["sql"]]

    assert len(count(1)) == len(count(300)) == 1


def test_the_list_shows_the_own_notices_linking_to_their_objects(staff, cast):
    mine = make_notices(cast.town, "staff", 2)
    make_notices(cast.town, "secretariat", 1)
    make_notices(cast.other, "staff", 1)
    html = staff.get(LIST).content.decode()
    assert html.count('class="notice ') + html.count('class="notice"') == 2
    for notice in mine:
        assert f'<a href="{notice.url}">{notice.summary}</a>' in html
    assert "<h1>お知らせ</h1>" in html
    assert "既読にする" in html and "すべて既読にする" in html


def test_the_summary_is_escaped(staff, cast):
    Notice.objects.create(
        organization=cast.town.organization,
        recipient=cast.town.users["staff"],
        kind="info",
        verb="x.y",
        summary="<script>alert(1)</script>",
        url="/plans/",
    )
    html = staff.get(LIST).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_the_list_is_paginated_at_a_constant_query_count(staff, cast):
    def queries_for(n):
        Notice.objects.all().delete()
        make_notices(cast.town, "staff", n)
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(LIST).status_code == 200
        return len(queries)

    assert queries_for(10) == queries_for(200)
    page = staff.get(LIST, {"page": 10}).content.decode()
    assert "10 / 10 ページ" in page
    assert staff.get(LIST, {"page": "x"}).status_code == 200


def test_unread_only(staff, cast):
    make_notices(cast.town, "staff", 1, read=True)
    html = staff.get(LIST, {"show": "unread"}).content.decode()
    assert "未読のお知らせはありません。" in html


def test_mark_read_then_back_to_the_list(staff, cast):
    notice = make_notices(cast.town, "staff", 2)[0]
    response = staff.post(reverse("notices:notice_mark_read"), {"notice": notice.pk, "next": "/notices/?page=1"})
    assert response.status_code == 302 and response["Location"] == "/notices/?page=1"
    assert not Notice.objects.get(pk=notice.pk).is_unread
    assert bell(staff.get(LIST).content.decode()) == "お知らせ（未読 1 件）"


def test_mark_read_never_redirects_to_another_host(staff, cast):
    notice = make_notices(cast.town, "staff", 1)[0]
    response = staff.post(reverse("notices:notice_mark_read"), {"notice": notice.pk, "next": "https://evil.example/"})
    assert response["Location"] == LIST


@pytest.mark.parametrize("owner", ["colleague", "other_town"])
def test_another_persons_notice_is_404(staff, cast, owner):
    town, name = (cast.town, "secretariat") if owner == "colleague" else (cast.other, "staff")
    notice = make_notices(town, name, 1)[0]
    assert staff.post(reverse("notices:notice_mark_read"), {"notice": notice.pk}).status_code == 404
    assert staff.post(reverse("notices:notice_mark_read"), {"notice": "abc"}).status_code == 404
    assert Notice.objects.get(pk=notice.pk).is_unread


def test_mark_all_read(staff, cast):
    make_notices(cast.town, "staff", 3)
    theirs = make_notices(cast.town, "secretariat", 1)[0]
    response = staff.post(reverse("notices:notice_mark_all_read"), follow=True)
    assert "3 件のお知らせを既読にしました。" in response.content.decode()
    assert not Notice.objects.filter(recipient=cast.town.users["staff"], read_at__isnull=True).exists()
    assert Notice.objects.get(pk=theirs.pk).is_unread


def test_a_user_of_two_towns_sees_the_notices_of_the_town_they_act_in(client, cast):
    user = cast.town.users["staff"]
    Membership.objects.create(organization=cast.other.organization, user=user, role=Role.STAFF)
    make_notices(cast.town, "staff", 2)
    Notice.objects.create(
        organization=cast.other.organization, recipient=user, kind="task", verb="x.y", summary="美里町の件", url="/"
    )
    client.force_login(user)
    client.post(reverse("choose_organization"), {"organization": cast.town.organization.pk})
    html = client.get(LIST).content.decode()
    assert bell(html) == "お知らせ（未読 2 件）" and "美里町の件" not in html
    client.post(reverse("choose_organization"), {"organization": cast.other.organization.pk})
    html = client.get(LIST).content.decode()
    assert bell(html) == "お知らせ（未読 1 件）" and "美里町の件" in html
    client.post(reverse("notices:notice_mark_all_read"))
    assert Notice.objects.filter(organization=cast.town.organization, read_at__isnull=True).count() == 2
    assert not Notice.objects.filter(organization=cast.other.organization, read_at__isnull=True).exists()


def test_mail_preferences_page_saves_the_choice(staff, cast):
    url = reverse("notices:mail_preferences")
    html = staff.get(url).content.decode()
    assert "<legend>メールでも受け取るお知らせ</legend>" in html
    assert "メールアドレスが登録されていないため" in html
    response = staff.post(url, {"kinds": ["task", "deadline"]}, follow=True)
    assert "メール通知の設定を保存しました。" in response.content.decode()
    preference = MailPreference.objects.get(user=cast.town.users["staff"])
    assert preference.mailed_kinds == {"task", "deadline"}
    assert preference.organization == cast.town.organization
    staff.post(url, {})
    preference.refresh_from_db()
    assert preference.mailed_kinds == set()


def test_mail_preferences_refuse_an_unknown_kind(staff):
    response = staff.post(reverse("notices:mail_preferences"), {"kinds": ["gossip"]})
    assert response.status_code == 200
    assert not MailPreference.objects.exists()


def test_anonymous_is_sent_to_login(client):
    assert client.get(LIST).status_code == 302
