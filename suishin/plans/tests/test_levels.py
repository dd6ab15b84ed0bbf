"""A plan's levels: items at 0 to 5 named levels, the town's own numbers unique as a full path with proposals
that follow the parent, goals linked to items, and the services refusing what does not fit the levels."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from suishin.core.models import AuditLog
from suishin.plans import services
from suishin.plans.models import GoalItem, Measure, Plan, PlanItem
from suishin.plans.numbering import PlanNumbers, next_in_style, number_form
from suishin.plans.spreadsheets import roadmap_columns
from suishin.plans.tests.factories import make_leveled_plan, make_plan

KOBE = ["柱", "大項目", "中項目"]


@pytest.fixture
def secretariat(client, cast):
    client.force_login(cast.town.users["secretariat"])
    return client


def actor(cast):
    return cast.town.actor("secretariat")


@pytest.mark.parametrize(
    ("siblings", "cousins", "parent", "expected"),
    [
        (["①", "②"], [], "", "③"),
        (["①", "②", "④"], [], "", "⑤"),  # Kobe's gaps stay: the next follows the last
        (["(1)", "(2)"], [], "", "(3)"),
        (["（1）"], [], "", "（2）"),
        (["01-01", "01-02"], [], "", "01-03"),
        (["1-2-1"], [], "1-2", "1-2-2"),
        ([], ["①", "②"], "(1)", "①"),  # Kobe restarts under each parent
        ([], ["1-1", "1-2"], "2", "2-1"),  # 1-2-3: continued from the parent's number
        ([], [], "2-1", "2-1-1"),
        (["", ""], [], "", ""),  # 上里町's 重点取組事項 have no numbers: a new one has none either
        (["第一"], [], "", ""),  # no counter to follow: the town types its own
        (["09"], [], "", "10"),
        (["１"], [], "", "２"),
    ],
)
def test_a_proposal_follows_the_style_around_it(siblings, cousins, parent, expected):
    assert next_in_style(siblings, cousins, parent) == expected


def test_number_forms_read_circled_parenthesised_and_padded_numbers():
    assert number_form("⑫").value == 12
    assert number_form("(3)").with_value(4) == "(4)"
    assert number_form("01-09").with_value(10) == "01-10"
    assert number_form("第一") is None


def test_a_kobe_shaped_plan_proposes_restarting_numbers_under_each_parent(cast):
    plan = make_leveled_plan(cast.town, KOBE, fanout=2, measures=2)
    pillar = plan.items.get(level=1, number="①")
    major = plan.items.get(parent=pillar, number="(1)")
    middle = plan.items.get(parent=major, number="①")
    numbers = PlanNumbers.for_plan(plan)
    assert numbers.propose_item(None, 1) == "③"
    assert numbers.propose_item(pillar.pk, 2) == "(3)"
    assert numbers.propose_item(major.pk, 3) == "③"
    assert numbers.propose_measure(middle.pk) == "③"
    created = services.measure_create(
        actor=actor(cast),
        plan=plan,
        item=middle,
        data={"title": "新しい個別項目"},
        departments=[cast.town.departments[1]],
    )
    assert created.number == "③"
    # The same ① under another 中項目 is another full path: allowed.
    other_middle = plan.items.get(parent=major, number="②")
    services.measure_create(
        actor=actor(cast),
        plan=plan,
        item=other_middle,
        data={"title": "別の中項目の③", "number": "③"},
        departments=[cast.town.departments[1]],
    )


def test_a_number_taken_as_a_full_path_is_refused_with_the_path(cast):
    plan = make_leveled_plan(cast.town, KOBE, fanout=2, measures=2)
    middle = plan.items.filter(level=3).order_by("pk").first()
    with pytest.raises(ValidationError) as refused:
        services.measure_create(
            actor=actor(cast),
            plan=plan,
            item=middle,
            data={"title": "重複", "number": "①"},
            departments=[cast.town.departments[1]],
        )
    assert "① (1) ① ①" in refused.value.message_dict["number"][0]
    pillar = plan.items.get(level=1, number="①")
    with pytest.raises(ValidationError) as refused:
        services.plan_item_create(actor=actor(cast), plan=plan, parent=pillar, title="別名", number="(2)")
    assert "number" in refused.value.message_dict
    assert not plan.items.filter(title="別名").exists()


def test_kamisato_measure_numbers_stay_unique_across_unnumbered_areas(cast):
    plan = make_plan(cast.town, measures=4, areas=2)
    first, second = plan.items.order_by("position")
    taken = first.measures.first().number
    with pytest.raises(ValidationError):
        services.measure_create(
            actor=actor(cast),
            plan=plan,
            item=second,
            data={"title": "重複", "number": taken},
            departments=[cast.town.departments[1]],
        )


def test_renumbering_an_item_keeps_its_own_number_free_and_refuses_a_siblings(cast):
    plan = make_leveled_plan(cast.town, KOBE, fanout=2, measures=1)
    first, second = plan.items.filter(level=1).order_by("position")
    fields = {"description": "", "cross_cutting": False, "position": first.position}
    services.plan_item_update(actor=actor(cast), item=first, version=first.version, title=first.title, **fields)
    first.refresh_from_db()
    with pytest.raises(ValidationError):
        services.plan_item_update(
            actor=actor(cast), item=first, version=first.version, title=first.title, number=second.number, **fields
        )
    services.plan_item_update(
        actor=actor(cast), item=first, version=first.version, title="改めた柱", number="⑨", **fields
    )
    first.refresh_from_db()
    assert (first.number, first.title) == ("⑨", "改めた柱")
    entry = AuditLog.objects.filter(verb="plan_item.update").latest("pk")
    assert entry.data["number"] == ["①", "⑨"]


def test_items_and_measures_keep_to_the_plans_levels(cast):
    plan = make_leveled_plan(cast.town, KOBE, fanout=1, measures=1)
    middle = plan.items.get(level=3)
    pillar = plan.items.get(level=1)
    with pytest.raises(ValidationError) as refused:
        services.plan_item_create(actor=actor(cast), plan=plan, parent=middle, title="4階層目")
    assert "3階層まで" in refused.value.message_dict["parent"][0]
    with pytest.raises(ValidationError) as refused:
        services.measure_create(
            actor=actor(cast), plan=plan, item=pillar, data={"title": "柱の下"}, departments=[cast.town.departments[1]]
        )
    assert "中項目" in refused.value.message_dict["item"][0]
    with pytest.raises(ValidationError):
        services.measure_create(
            actor=actor(cast), plan=plan, item=None, data={"title": "項目なし"}, departments=[cast.town.departments[1]]
        )
    other_plan = make_leveled_plan(cast.town, KOBE, fanout=1, measures=1)
    with pytest.raises(ValidationError):
        services.plan_item_create(actor=actor(cast), plan=plan, parent=other_plan.items.get(level=1), title="他計画")
    with pytest.raises(ValidationError):
        services.plan_item_delete(actor=actor(cast), item=pillar)  # it holds a 大項目
    assert plan.items.count() == 3


def test_a_plan_without_levels_is_a_flat_list_of_measures(cast):
    plan = make_leveled_plan(cast.town, [], measures=3)
    assert plan.depth == 0 and not plan.items.exists()
    assert set(plan.measures.values_list("item", flat=True)) == {None}
    measure = services.measure_create(
        actor=actor(cast), plan=plan, item=None, data={"title": "追加"}, departments=[cast.town.departments[1]]
    )
    assert measure.number == "④"
    with pytest.raises(ValidationError):
        services.plan_item_create(actor=actor(cast), plan=plan, title="階層のない計画の項目")


def test_five_levels_are_the_most(cast):
    plan = make_leveled_plan(cast.town, ["一", "二", "三", "四", "五"], fanout=1, measures=1)
    assert sorted(plan.items.values_list("level", flat=True)) == [1, 2, 3, 4, 5]
    assert plan.measures.get().item.level == 5
    with pytest.raises(ValidationError):
        services.plan_levels_update(
            actor=actor(cast),
            plan=plan,
            version=plan.version,
            level_names=["一", "二", "三", "四", "五", "六"],
            leaf_name="施策",
        )


def test_level_names_are_renamed_freely_but_their_number_only_on_an_empty_plan(cast):
    plan = make_plan(cast.town, measures=2, areas=1)
    assert (plan.level_names, plan.leaf_name) == (["重点取組事項"], "施策")
    services.plan_levels_update(
        actor=actor(cast), plan=plan, version=plan.version, level_names=["重点分野"], leaf_name="事業"
    )
    plan.refresh_from_db()
    assert (plan.level_names, plan.leaf_name) == (["重点分野"], "事業")
    with pytest.raises(ValidationError) as refused:
        services.plan_levels_update(
            actor=actor(cast), plan=plan, version=plan.version, level_names=["柱", "大項目"], leaf_name="事業"
        )
    assert "階層の数" in refused.value.message_dict["level_names"][0]
    with pytest.raises(ValidationError):
        services.plan_levels_update(
            actor=actor(cast), plan=plan, version=plan.version, level_names=["柱", "柱"], leaf_name="事業"
        )
    empty = services.plan_create(actor=actor(cast), structure={"title": "空", "start_fy": 2026, "end_fy": 2030})
    services.plan_levels_update(
        actor=actor(cast), plan=empty, version=empty.version, level_names=KOBE, leaf_name="個別項目"
    )
    empty.refresh_from_db()
    assert empty.depth == 3


def test_a_new_blank_plan_takes_the_organizations_default_level_names(cast):
    organization = cast.town.organization
    organization.plan_level_names = KOBE
    organization.save(update_fields=["plan_level_names"])
    plan = services.plan_create(actor=actor(cast), structure={"title": "新計画", "start_fy": 2026, "end_fy": 2030})
    assert plan.level_names == KOBE


def test_goals_are_linked_to_the_items_they_serve(cast):
    plan = make_leveled_plan(cast.town, KOBE, fanout=2, measures=1)
    pillars = list(plan.items.filter(level=1))
    goal = services.goal_create(actor=actor(cast), plan=plan, title="事務の飛躍的効率化", items=pillars[:1])
    assert list(goal.items.all()) == pillars[:1]
    services.goal_update(
        actor=actor(cast),
        goal=goal,
        version=goal.version,
        title=goal.title,
        description="",
        position=goal.position,
        items=pillars[1:],
    )
    assert list(goal.items.all()) == pillars[1:]
    other = make_leveled_plan(cast.town, KOBE, fanout=1, measures=1)
    with pytest.raises(ValidationError):
        services.goal_create(actor=actor(cast), plan=plan, title="他計画", items=[other.items.get(level=1)])
    # Deleting an item drops its links, not the goal.
    empty = services.plan_item_create(actor=actor(cast), plan=plan, title="空の柱")
    services.goal_update(
        actor=actor(cast),
        goal=goal,
        version=goal.version,
        title=goal.title,
        description="",
        position=goal.position,
        items=[empty],
    )
    services.plan_item_delete(actor=actor(cast), item=empty)
    assert not GoalItem.objects.filter(goal=goal).exists()


def test_another_towns_item_is_not_found_for_a_goal_or_a_parent(cast):
    plan = make_leveled_plan(cast.town, KOBE, fanout=1, measures=1)
    foreign = make_leveled_plan(cast.other, KOBE, fanout=1, measures=1).items.get(level=1)
    from django.http import Http404

    with pytest.raises(Http404):
        services.goal_create(actor=actor(cast), plan=plan, title="越境", items=[foreign])
    with pytest.raises(Http404):
        services.plan_item_create(actor=actor(cast), plan=plan, parent=foreign, title="越境")
    assert not PlanItem.objects.filter(title="越境").exists()


# --- pages ------------------------------------------------------------------------------------


def test_adding_an_item_under_a_parent_offers_the_proposed_number(secretariat, cast):
    plan = make_leveled_plan(cast.town, KOBE, fanout=2, measures=1)
    pillar = plan.items.get(level=1, number="②")
    url = reverse("plans:item_create", args=[plan.pk]) + f"?parent={pillar.pk}"
    page = secretariat.get(url).content.decode()
    assert 'value="(3)"' in page and "大項目" in page
    response = secretariat.post(url, {"number": "(3)", "title": "新しい大項目", "description": ""})
    assert response.status_code == 302
    created = plan.items.get(title="新しい大項目")
    assert (created.parent, created.level, created.number) == (pillar, 2, "(3)")
    # The same number again: the form says so beside the field, nothing saved.
    response = secretariat.post(url, {"number": "(3)", "title": "もう一つ", "description": ""})
    assert response.status_code == 200 and "既に使われています" in response.content.decode()
    assert not plan.items.filter(title="もう一つ").exists()


def test_an_item_below_the_last_level_cannot_be_added(secretariat, cast):
    plan = make_leveled_plan(cast.town, KOBE, fanout=1, measures=1)
    middle = plan.items.get(level=3)
    response = secretariat.get(reverse("plans:item_create", args=[plan.pk]) + f"?parent={middle.pk}")
    assert response.status_code == 302
    other = make_leveled_plan(cast.other, KOBE, fanout=1, measures=1).items.get(level=1)
    response = secretariat.get(reverse("plans:item_create", args=[plan.pk]) + f"?parent={other.pk}")
    assert response.status_code == 404
    response = secretariat.get(reverse("plans:item_create", args=[plan.pk]) + "?parent=abc")
    assert response.status_code == 404


def test_the_levels_page_renames_levels_and_says_why_their_number_cannot_change(secretariat, cast):
    plan = make_leveled_plan(cast.town, KOBE, fanout=1, measures=1)
    url = reverse("plans:plan_levels", args=[plan.pk])
    assert "柱、大項目、中項目" in secretariat.get(url).content.decode()
    data = {"level_names": "柱、大項目、小項目", "leaf_name": "個別項目", "version": plan.version}
    assert secretariat.post(url, data).status_code == 302
    assert Plan.objects.get(pk=plan.pk).level_names == ["柱", "大項目", "小項目"]
    data = {"level_names": "柱、大項目", "leaf_name": "個別項目", "version": plan.version + 1}
    response = secretariat.post(url, data)
    assert response.status_code == 200 and "階層の数を変えられません" in response.content.decode()


def test_a_goal_form_lists_the_items_by_level_name(secretariat, cast):
    plan = make_leveled_plan(cast.town, KOBE, fanout=1, measures=1)
    page = secretariat.get(reverse("plans:goal_create", args=[plan.pk])).content.decode()
    assert "柱 ① 柱1" in page and "中項目 ① 中項目1-1-1" in page
    pillar = plan.items.get(level=1)
    response = secretariat.post(
        reverse("plans:goal_create", args=[plan.pk]), {"title": "新しい目標", "description": "", "items": [pillar.pk]}
    )
    assert response.status_code == 302
    assert list(plan.goals.get(title="新しい目標").items.all()) == [pillar]


def test_a_measure_form_chooses_among_the_last_levels_items(secretariat, cast):
    plan = make_leveled_plan(cast.town, KOBE, fanout=1, measures=1)
    page = secretariat.get(reverse("plans:measure_create", args=[plan.pk])).content.decode()
    assert "中項目" in page and "個別項目を追加" in page
    middle = plan.items.get(level=3)
    data = {
        "title": "新しい個別項目",
        "item": middle.pk,
        "departments": [cast.town.departments[1].pk],
        "stage": "",
        "number": "",
    }
    assert secretariat.post(reverse("plans:measure_create", args=[plan.pk]), data).status_code == 302
    assert Measure.objects.get(title="新しい個別項目").number == "②"


def test_a_blank_plan_is_created_with_the_level_names_typed_defaulting_to_the_organizations(secretariat, cast):
    organization = cast.town.organization
    organization.plan_level_names = KOBE
    organization.save(update_fields=["plan_level_names"])
    url = reverse("plans:plan_create")
    assert "柱、大項目、中項目" in secretariat.get(url).content.decode()
    data = {
        "title": "二階層の計画",
        "start_fy": 2026,
        "end_fy": 2030,
        "template": "blank",
        "level_names": "分野、施策群",
    }
    assert secretariat.post(url, data).status_code == 302
    assert Plan.objects.get(title="二階層の計画").level_names == ["分野", "施策群"]
    data |= {"title": "深すぎる計画", "level_names": "一、二、三、四、五、六"}
    response = secretariat.post(url, data)
    assert response.status_code == 200 and "階層は5つまでです" in response.content.decode()
    assert not Plan.objects.filter(title="深すぎる計画").exists()


def test_an_item_moves_under_another_parent_with_its_measures(secretariat, cast):
    plan = make_leveled_plan(cast.town, KOBE, fanout=2, measures=1)
    first_pillar, second_pillar = plan.items.filter(level=1).order_by("position")
    major = plan.items.get(parent=first_pillar, number="(2)")
    fields = {"title": major.title, "description": "", "cross_cutting": False, "position": 1}
    # (2) is taken under the second 柱 too: refused, nothing moved.
    with pytest.raises(ValidationError) as refused:
        services.plan_item_update(actor=actor(cast), item=major, version=major.version, parent=second_pillar, **fields)
    assert "number" in refused.value.message_dict
    major.refresh_from_db()
    assert major.parent == first_pillar
    url = reverse("plans:item_edit", args=[major.pk])
    page = secretariat.get(url).content.decode()
    assert "上位の柱" in page
    data = {"parent": second_pillar.pk, "number": "(3)", "title": major.title, "description": "", "position": 1}
    assert secretariat.post(url, data | {"version": major.version}).status_code == 302
    major.refresh_from_db()
    assert (major.parent, major.number, major.position) == (second_pillar, "(3)", 3)
    assert Measure.objects.filter(item__parent=major).count() == 2  # its 中項目 and their measures came along
    middle = plan.items.filter(level=3).first()
    with pytest.raises(ValidationError):  # a 中項目 is not a parent of a 大項目
        services.plan_item_update(actor=actor(cast), item=major, version=major.version, parent=middle, **fields)


def test_the_overview_offers_adding_a_child_at_each_level_and_naming_the_levels(secretariat, cast):
    plan = make_leveled_plan(cast.town, KOBE, fanout=1, measures=1)
    pillar, major, middle = (plan.items.get(level=level) for level in (1, 2, 3))
    page = secretariat.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    create = reverse("plans:item_create", args=[plan.pk])
    assert f'{create}?parent={pillar.pk}"' in page and "大項目を追加" in page
    assert f'{create}?parent={major.pk}"' in page and "中項目を追加" in page
    assert f"?parent={middle.pk}" not in page  # the last level takes measures
    assert f"?item={middle.pk}" in page and "個別項目を追加" in page
    assert reverse("plans:plan_levels", args=[plan.pk]) in page


def test_clearing_a_number_is_refused_when_what_lies_below_would_repeat_a_path(cast):
    plan = make_leveled_plan(cast.town, ["柱", "大項目"], fanout=1, measures=1)
    pillar = plan.items.get(level=1)
    numbered = plan.items.get(level=2)  # (1), holding the measure ①
    unnumbered = services.plan_item_create(actor=actor(cast), plan=plan, parent=pillar, title="番号なし", number="")
    services.measure_create(
        actor=actor(cast),
        plan=plan,
        item=unnumbered,
        data={"title": "同じ番号", "number": "①"},
        departments=[cast.town.departments[1]],
    )
    with pytest.raises(ValidationError) as refused:
        services.plan_item_update(
            actor=actor(cast),
            item=numbered,
            version=numbered.version,
            title=numbered.title,
            number="",
            description="",
            cross_cutting=False,
            position=numbered.position,
        )
    assert "① ①" in refused.value.message_dict["number"][0]
    numbered.refresh_from_db()
    assert numbered.number == "(1)"
    assert PlanNumbers.for_plan(plan).duplicate_paths() == []


def test_an_item_moves_between_two_unnumbered_parents(cast):
    plan = services.plan_create(
        actor=actor(cast),
        structure={"title": "番号のない上位", "start_fy": 2026, "end_fy": 2030, "level_names": ["分野", "施策群"]},
    )
    first = services.plan_item_create(actor=actor(cast), plan=plan, title="分野A", number="")
    second = services.plan_item_create(actor=actor(cast), plan=plan, title="分野B", number="")
    moving = services.plan_item_create(actor=actor(cast), plan=plan, parent=first, title="施策群X", number="①")
    services.plan_item_update(
        actor=actor(cast),
        item=moving,
        version=moving.version,
        title=moving.title,
        number="①",
        description="",
        cross_cutting=False,
        position=1,
        parent=second,
    )
    moving.refresh_from_db()
    assert moving.parent == second


def test_writes_that_number_hold_the_plan_row_until_they_end(cast):
    """Two users adding measures at once cannot both take the proposed number: the plan's row is locked
    (PostgreSQL; SQLite writes one transaction at a time anyway)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = make_leveled_plan(cast.town, KOBE, fanout=1, measures=1)
    with CaptureQueriesContext(connection) as queries:
        services.measure_create(
            actor=actor(cast),
            plan=plan,
            item=plan.items.get(level=3),
            data={"title": "同時"},
            departments=[cast.town.departments[1]],
        )
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"] and '"plans_plan"' in q["sql"]]
    assert len(locks) == (1 if connection.features.has_select_for_update else 0)


def test_a_path_repeated_by_older_data_does_not_stop_other_writes(cast):
    """A plan may hold a repeated path written before the checks (data of an older version): renumbering an
    unrelated item, or importing, still works; making a new repetition is still refused."""
    plan = make_leveled_plan(cast.town, KOBE, fanout=2, measures=2)
    middle = plan.items.filter(level=3).order_by("pk").first()
    first, second = Measure.objects.filter(item=middle).order_by("number")
    Measure.objects.filter(pk=second.pk).update(number=first.number)  # as an older version could have left it
    other = plan.items.get(level=1, number="②")
    fields = {"title": other.title, "description": "", "cross_cutting": False, "position": other.position}
    services.plan_item_update(actor=actor(cast), item=other, version=other.version, number="⑨", **fields)
    other.refresh_from_db()
    assert other.number == "⑨"
    from suishin.plans.roadmap_import import roadmap_import_apply
    from suishin.plans.spreadsheets import FIRST_DATA_ROW, parse_roadmap_sheet, roadmap_workbook
    from suishin.plans.tests.test_spreadsheets import as_upload
    from suishin.tabular.uploads import open_xlsx_upload

    workbook = roadmap_workbook(plan)
    sheet = workbook.active
    for row in range(sheet.max_row, FIRST_DATA_ROW - 1, -1):  # a file without the two measures
        if sheet.cell(row, 1).value in {first.pk, second.pk}:
            sheet.delete_rows(row)
    sheet.cell(FIRST_DATA_ROW, roadmap_columns(plan).title).value = "取込みで変えた名前"
    imported = parse_roadmap_sheet(plan, open_xlsx_upload(as_upload(workbook)))
    assert [str(p) for p in imported.problems] == []
    assert roadmap_import_apply(actor=actor(cast), plan=plan, imported=imported)["updated"] == 1
    # A new repetition is still refused.
    pillar = plan.items.get(level=1, number="①")
    with pytest.raises(ValidationError):
        services.plan_item_update(
            actor=actor(cast),
            item=pillar,
            version=pillar.version,
            title=pillar.title,
            number="⑨",
            description="",
            cross_cutting=False,
            position=pillar.position,
        )
