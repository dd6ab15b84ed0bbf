"""Linking a person of the register to a login the organization already has, and unlinking; another
town's user or person is not found."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from suishin.core.models import AuditLog
from suishin.staff.models import Person
from suishin.staff.services import person_link_user


def person_of(town, name="佐藤 花子", number="100", **fields):
    return Person.objects.create(organization=town.organization, name=name, staff_number=number, **fields)


def test_admin_links_an_existing_login_and_unlinks_it(client, cast):
    person, login = person_of(cast.town), cast.town.users["staff"]
    client.force_login(cast.town.users["admin"])
    url = reverse("staff:person_user_link", args=[person.pk])
    page = client.get(url).content.decode()
    assert login.username in page
    assert cast.other.users["staff"].username not in page, "another town's users are not offered"
    response = client.post(url, {"user": login.pk})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user == login
    entry = AuditLog.objects.get(verb="staff.link_user")
    assert entry.data == {"username": login.username} and entry.target_id == str(person.pk)
    detail = client.get(reverse("staff:person_detail", args=[person.pk])).content.decode()
    assert "との結びつけを解除する" in detail

    response = client.post(reverse("staff:person_user_unlink", args=[person.pk]), follow=True)
    assert "結びつけを解除しました" in response.content.decode()
    person.refresh_from_db()
    login.refresh_from_db()
    assert person.user is None and login.is_active, "the login itself stays as it was"
    assert AuditLog.objects.get(verb="staff.unlink_user").data == {"username": login.username}


def test_a_login_linked_to_someone_else_is_not_offered_nor_accepted(client, cast):
    login = cast.town.users["staff"]
    person_of(cast.town, name="先の人", number="1", user=login)
    person = person_of(cast.town, name="後の人", number="2")
    client.force_login(cast.town.users["admin"])
    url = reverse("staff:person_user_link", args=[person.pk])
    assert login.username not in client.get(url).content.decode()
    response = client.post(url, {"user": login.pk})
    assert response.status_code == 400
    with pytest.raises(ValidationError, match="すでに先の人に結びついています"):
        person_link_user(actor=cast.town.actor("admin"), person=person, user=login)
    person.refresh_from_db()
    assert person.user is None


def test_another_towns_user_is_refused(client, cast):
    person, theirs = person_of(cast.town), cast.other.users["staff"]
    client.force_login(cast.town.users["admin"])
    response = client.post(reverse("staff:person_user_link", args=[person.pk]), {"user": theirs.pk})
    assert response.status_code == 400
    assert "選択したものは候補にありません。" in response.content.decode()
    with pytest.raises(Http404):
        person_link_user(actor=cast.town.actor("admin"), person=person, user=theirs)
    person.refresh_from_db()
    assert person.user is None
    assert AuditLog.objects.filter(verb="authorization.denied", data__action="staff.link_user").exists()


def test_another_towns_person_is_not_found(client, cast):
    theirs = person_of(cast.other)
    client.force_login(cast.town.users["admin"])
    assert client.get(reverse("staff:person_user_link", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("staff:person_user_unlink", args=[theirs.pk])).status_code == 404
    with pytest.raises(Http404):
        person_link_user(actor=cast.town.actor("admin"), person=theirs, user=cast.town.users["staff"])


def test_a_person_with_a_login_is_sent_back_and_unlinking_nothing_says_so(client, cast):
    person = person_of(cast.town, user=cast.town.users["council"])
    client.force_login(cast.town.users["admin"])
    response = client.get(reverse("staff:person_user_link", args=[person.pk]))
    assert response.status_code == 302
    other = person_of(cast.town, name="未登録", number="2")
    response = client.post(reverse("staff:person_user_unlink", args=[other.pk]), follow=True)
    assert "結びついているログインはありません" in response.content.decode()
    assert not AuditLog.objects.filter(verb="staff.unlink_user").exists()


def test_secretariat_may_not_link(client, cast):
    person = person_of(cast.town)
    client.force_login(cast.town.users["secretariat"])
    response = client.post(reverse("staff:person_user_link", args=[person.pk]), {"user": cast.town.users["staff"].pk})
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.user is None
