"""The 職位 pages: list, add, change, order, delete (refused while people hold a rank or a move names it);
every write audited and refused for another town."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from suishin.core.models import AuditLog
from suishin.staff.models import Person, Rank, StaffMove
from suishin.staff.services import rank_create, rank_delete, rank_move, rank_update, ranks_create_defaults


def ranks(town):
    return {r.name: r for r in ranks_create_defaults(actor=town.actor("admin"), organization=town.organization)}


def order_of(town):
    return list(Rank.objects.for_organization(town.organization).order_by("-level").values_list("name", flat=True))


def test_admin_adds_a_rank_and_it_takes_its_place_in_the_order(client, cast):
    ranks(cast.town)
    client.force_login(cast.town.users["admin"])
    response = client.post(reverse("staff:rank_new"), {"name": "課長補佐", "level": 45})
    assert response.status_code == 302
    assert order_of(cast.town)[:3] == ["部長", "課長", "課長補佐"]
    entry = AuditLog.objects.get(verb="staff.rank_create")
    assert entry.organization == cast.town.organization and entry.data == {"name": "課長補佐", "level": 45}
    page = client.get(reverse("staff:rank_list")).content.decode()
    assert page.index("課長補佐") < page.index("主幹")


def test_a_taken_name_or_level_is_a_form_error_in_japanese(client, cast):
    ranks(cast.town)
    client.force_login(cast.town.users["admin"])
    response = client.post(reverse("staff:rank_new"), {"name": "課長", "level": 50})
    assert response.status_code == 400
    page = response.content.decode()
    assert "この職位はすでに登録されています。" in page
    assert "この序列はほかの職位が使っています。" in page
    response = client.post(reverse("staff:rank_new"), {"name": "", "level": ""})
    assert response.status_code == 400
    assert Rank.objects.for_organization(cast.town.organization).count() == 6


def test_the_service_checks_names_and_levels_too(cast):
    r = ranks(cast.town)
    with pytest.raises(ValidationError) as error:
        rank_update(actor=cast.town.actor("admin"), rank=r["主事"], name="主任", level=20)
    assert set(error.value.message_dict) == {"name", "level"}


def test_admin_renames_a_rank_and_its_holders_keep_it(client, cast):
    r = ranks(cast.town)
    person = Person.objects.create(organization=cast.town.organization, name="職員", staff_number="1", rank=r["主査"])
    client.force_login(cast.town.users["admin"])
    response = client.post(reverse("staff:rank_edit", args=[r["主査"].pk]), {"name": "係長", "level": 30})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.rank.name == "係長"
    entry = AuditLog.objects.get(verb="staff.rank_update")
    assert entry.data == {"name": ["主査", "係長"]}


def test_up_and_down_swap_a_rank_with_its_neighbour(client, cast):
    r = ranks(cast.town)
    client.force_login(cast.town.users["admin"])
    url = reverse("staff:rank_order", args=[r["主任"].pk])
    assert client.post(url, {"direction": "up"}).status_code == 302
    assert order_of(cast.town) == ["部長", "課長", "主幹", "主任", "主査", "主事"]
    assert AuditLog.objects.get(verb="staff.rank_move").data == {"level": [20, 30], "neighbour": "主査"}
    assert client.post(url, {"direction": "down"}).status_code == 302
    assert order_of(cast.town) == ["部長", "課長", "主幹", "主査", "主任", "主事"]
    # The most senior cannot go up: a message, nothing changed.
    response = client.post(reverse("staff:rank_order", args=[r["部長"].pk]), {"direction": "up"}, follow=True)
    assert "この職位はすでにいちばん上です。" in response.content.decode()
    assert client.post(url, {"direction": "sideways"}).status_code == 400
    assert order_of(cast.town) == ["部長", "課長", "主幹", "主査", "主任", "主事"]


def test_a_rank_people_hold_cannot_be_deleted(client, cast):
    r = ranks(cast.town)
    Person.objects.create(organization=cast.town.organization, name="職員", staff_number="1", rank=r["主事"])
    client.force_login(cast.town.users["admin"])
    url = reverse("staff:rank_delete", args=[r["主事"].pk])
    assert "主事の職員が1人いるため削除できません。" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "主事の職員が1人いるため削除できません。先にその職員の職位を変えてください。" in response.content.decode()
    assert Rank.objects.filter(pk=r["主事"].pk).exists()
    assert not AuditLog.objects.filter(verb="staff.rank_delete").exists()


def test_a_rank_held_only_by_people_who_left_cannot_be_deleted(client, cast):
    r = ranks(cast.town)
    for i in range(2):
        Person.objects.create(
            organization=cast.town.organization,
            name=f"退職{i}",
            staff_number=f"x{i}",
            rank=r["主事"],
            left_on="2024-03-31",
        )
    client.force_login(cast.town.users["admin"])
    rows = client.get(reverse("staff:rank_list")).content.decode()
    row = rows[rows.index(f'id="rank-{r["主事"].pk}"') :]
    assert '<td class="num">0（ほかに退職者2人）</td>' in row[: row.index("</tr>")], "current holders, then leavers"
    url = reverse("staff:rank_delete", args=[r["主事"].pk])
    message = "主事は退職者2人の記録に残っているため削除できません。名前や序列は変えられます。"
    page = client.get(url).content.decode()
    assert message in page and "削除する</button>" not in page, "the confirmation page says so, with no button"
    assert message in client.post(url, follow=True).content.decode()
    with pytest.raises(ValidationError, match="退職者2人の記録に残っている"):
        rank_delete(actor=cast.town.actor("admin"), rank=r["主事"])
    assert Rank.objects.filter(pk=r["主事"].pk).exists()
    assert not AuditLog.objects.filter(verb="staff.rank_delete").exists()


def test_current_and_left_holders_are_counted_together_and_told_apart(client, cast):
    r = ranks(cast.town)
    organization = cast.town.organization
    Person.objects.create(organization=organization, name="職員", staff_number="1", rank=r["主事"])
    for i in range(2):
        Person.objects.create(
            organization=organization, name=f"退職{i}", staff_number=f"x{i}", rank=r["主事"], left_on="2024-03-31"
        )
    Person.objects.create(organization=cast.other.organization, name="他町", staff_number="y")
    client.force_login(cast.town.users["admin"])
    rows = client.get(reverse("staff:rank_list")).content.decode()
    row = rows[rows.index(f'id="rank-{r["主事"].pk}"') :]
    assert '<td class="num">1（ほかに退職者2人）</td>' in row[: row.index("</tr>")]
    other = rows[rows.index(f'id="rank-{r["主任"].pk}"') :]
    assert '<td class="num">0</td>' in other[: other.index("</tr>")], "no leavers: the count alone"
    response = client.post(reverse("staff:rank_delete", args=[r["主事"].pk]), follow=True)
    assert "主事の職員が3人（退職者2人を含む）いるため削除できません。" in response.content.decode()
    assert Rank.objects.filter(pk=r["主事"].pk).exists()


def test_a_rank_named_in_the_history_cannot_be_deleted(cast):
    r = ranks(cast.town)
    person = Person.objects.create(organization=cast.town.organization, name="職員", staff_number="1")
    StaffMove.objects.create(organization=cast.town.organization, person=person, moved_on="2023-04-01", rank=r["主任"])
    with pytest.raises(ValidationError, match="異動・昇任の履歴に残っている"):
        rank_delete(actor=cast.town.actor("admin"), rank=r["主任"])
    assert Rank.objects.filter(pk=r["主任"].pk).exists()


def test_an_unused_rank_is_deleted_and_audited(client, cast):
    r = ranks(cast.town)
    client.force_login(cast.town.users["admin"])
    assert client.post(reverse("staff:rank_delete", args=[r["主幹"].pk])).status_code == 302
    assert "主幹" not in order_of(cast.town)
    entry = AuditLog.objects.get(verb="staff.rank_delete")
    assert entry.data == {"name": "主幹", "level": 40} and entry.actor == cast.town.users["admin"]


def test_secretariat_reads_the_ranks_and_changes_none(client, cast):
    r = ranks(cast.town)
    client.force_login(cast.town.users["secretariat"])
    page = client.get(reverse("staff:rank_list")).content.decode()
    assert "主査" in page and reverse("staff:rank_new") not in page
    assert client.post(reverse("staff:rank_new"), {"name": "x", "level": 5}).status_code == 403
    assert client.post(reverse("staff:rank_delete", args=[r["主幹"].pk])).status_code == 403
    assert client.get(reverse("staff:rank_list")).status_code == 200
    client.force_login(cast.town.users["department"])
    assert client.get(reverse("staff:rank_list")).status_code == 403


def test_an_empty_list_offers_the_default_ranks(client, cast):
    client.force_login(cast.town.users["admin"])
    assert reverse("staff:rank_defaults") in client.get(reverse("staff:rank_list")).content.decode()
    assert client.post(reverse("staff:rank_defaults")).status_code == 302
    assert order_of(cast.town) == ["部長", "課長", "主幹", "主査", "主任", "主事"]


def test_another_towns_rank_is_not_found_in_pages_and_services(client, cast):
    theirs = ranks(cast.other)["主事"]
    client.force_login(cast.town.users["admin"])
    for name in ("staff:rank_edit", "staff:rank_delete"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert client.post(reverse("staff:rank_order", args=[theirs.pk]), {"direction": "up"}).status_code == 404
    actor = cast.town.actor("admin")
    for call in (
        lambda: rank_update(actor=actor, rank=theirs, name="侵入", level=1),
        lambda: rank_move(actor=actor, rank=theirs, direction="down"),
        lambda: rank_delete(actor=actor, rank=theirs),
        lambda: rank_create(actor=actor, organization=cast.other.organization, name="侵入", level=1),
    ):
        with pytest.raises(Http404):
            call()
    theirs.refresh_from_db()
    assert (theirs.name, theirs.level) == ("主事", 10)
    assert AuditLog.objects.filter(verb="authorization.denied", data__reason="other_organization").count() == 4


def test_the_rank_list_costs_the_same_queries_for_few_and_many_ranks(client, cast, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ranks(cast.town)
    client.force_login(cast.town.users["admin"])
    url = reverse("staff:rank_list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    Rank.objects.bulk_create(
        Rank(organization=cast.town.organization, name=f"職位{i}", level=100 + i) for i in range(40)
    )
    with django_assert_num_queries(len(few)):
        assert client.get(url).status_code == 200
