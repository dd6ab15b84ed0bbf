"""施策番号 of new measures follow the area's own number and stay unique within the plan."""

from suishin.plans.models import Measure
from suishin.plans.services import MeasureNumbering, measure_create, plan_create, plan_item_create
from suishin.plans.tests.factories import plan_structure


def kamisato_like_plan(town):
    """A cross-cutting item first (00-xx), then items numbered 01.. by their measures, as in 上里町."""
    structure = plan_structure(town, measures=0, areas=0)
    structure["items"] = [
        {"title": "BPR", "cross_cutting": True, "measures": [{"title": "業務改革", "number": "00-01"}]},
        {"title": "行政手続のオンライン化", "measures": [{"title": "電子申請", "number": "01-01"}]},
        {
            "title": "AI・RPAの利用促進",
            "measures": [{"title": "AI", "number": "04-01"}, {"title": "RPA", "number": "04-02"}],
        },
        {"title": "テレワークの推進", "measures": [{"title": "テレワーク", "number": "05-01"}]},
    ]
    return plan_create(actor=town.actor("secretariat"), structure=structure)


def test_a_new_measure_takes_its_areas_own_number_not_its_position(cast):
    plan = kamisato_like_plan(cast.town)
    ai = plan.items.get(title="AI・RPAの利用促進")
    assert ai.position == 3  # its number (04) is not its position: the bug gave 03-01 or 05-xx
    measure = measure_create(
        actor=cast.town.actor("secretariat"),
        plan=plan,
        item=ai,
        data={"title": "チャットボット"},
        departments=[cast.town.departments[1]],
    )
    assert measure.number == "04-03"
    telework = plan.items.get(title="テレワークの推進")
    assert MeasureNumbering.for_plan(plan).next_for(telework) == "05-02"


def test_an_empty_area_does_not_take_another_areas_number(cast):
    plan = kamisato_like_plan(cast.town)
    area = plan_item_create(actor=cast.town.actor("secretariat"), plan=plan, title="新しい重点取組事項")
    assert area.position == 5
    numbering = MeasureNumbering.for_plan(plan)
    first = numbering.next_for(area)
    assert first.rpartition("-")[0] not in {"00", "01", "04"}  # 05 is taken by テレワーク, so it is not 05 either
    assert first != "05-01" and first.endswith("-01")
    assert numbering.next_for(area) == first[:-2] + "02"


def test_numbers_are_unique_within_the_plan(cast):
    plan = kamisato_like_plan(cast.town)
    ai = plan.items.get(title="AI・RPAの利用促進")
    numbers = set()
    for i in range(5):
        numbers.add(
            measure_create(
                actor=cast.town.actor("secretariat"),
                plan=plan,
                item=ai,
                data={"title": f"施策{i}"},
                departments=[cast.town.departments[1]],
            ).number
        )
    all_numbers = list(Measure.objects.filter(plan=plan).values_list("number", flat=True))
    assert len(all_numbers) == len(set(all_numbers))
    assert numbers == {"04-03", "04-04", "04-05", "04-06", "04-07"}
