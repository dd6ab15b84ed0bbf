"""The tree of a past year: the one in force on its first day, from the trees reorganisations kept."""

import datetime as dt

from suishin.reorganisation.selectors import department_names, department_tree
from suishin.reorganisation.services import reorganisation_apply

from .factories import merge_reorganisation


def test_a_past_year_shows_the_tree_of_that_year_and_this_year_the_new_one(cast):
    old_names = [d.name for d in cast.town.departments]
    reorganisation = merge_reorganisation(cast.town, dt.date(2026, 4, 1))
    reorganisation_apply(actor=cast.town.actor("admin"), reorganisation=reorganisation, today=dt.date(2026, 4, 1))

    assert [n.name for n in department_tree(cast.town.organization, 2025)] == old_names
    after = department_tree(cast.town.organization, 2026)
    assert [(n.name, n.depth) for n in after] == [
        (old_names[0], 0),
        ("新設課", 1),
        ("デジタル推進課", 0),
    ]
    second = cast.town.departments[1].pk
    assert department_names(cast.town.organization, 2024)[second] == old_names[1]
    assert department_names(cast.town.organization, 2027)[second] == "デジタル推進課"


def test_a_town_without_reorganisations_has_todays_tree_every_year(cast):
    names = [d.name for d in cast.town.departments]
    assert [n.name for n in department_tree(cast.town.organization, 2019)] == names
    assert [n.name for n in department_tree(cast.other.organization.pk, 2030)] == [
        d.name for d in cast.other.departments
    ]


def test_the_tree_costs_the_same_queries_after_many_reorganisations(cast, django_assert_max_num_queries):
    reorganisation = merge_reorganisation(cast.town, dt.date(2026, 4, 1))
    reorganisation_apply(actor=cast.town.actor("admin"), reorganisation=reorganisation, today=dt.date(2026, 4, 1))
    with django_assert_max_num_queries(2):
        department_tree(cast.town.organization, 2020)
    with django_assert_max_num_queries(2):
        department_tree(cast.town.organization, 2026)
