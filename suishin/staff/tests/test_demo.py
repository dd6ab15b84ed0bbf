"""The demo town's staff register: about 120 staff over its 17 departments, each with one head."""

from django.db.models import Count

from suishin.demo.management.commands.load_demo import load_demo
from suishin.staff.models import Person
from suishin.staff.selectors import headcount_by_department, headcount_total


def test_demo_town_has_a_staff_register(db):
    town = load_demo()
    assert headcount_total(town) == 120
    counts = headcount_by_department(town)
    assert len(counts) == 17 and min(counts.values()) >= 2
    heads = Person.objects.for_organization(town).filter(is_head=True).values("department").annotate(n=Count("pk"))
    assert len(heads) == 17 and {h["n"] for h in heads} == {1}
    assert Person.objects.for_organization(town).filter(user__username="kamisato-secretariat").exists()
    assert Person.objects.for_organization(town).values("rank__name").distinct().count() >= 5
