"""Every plan so far has had one level, its priority areas: it keeps that shape under the name 重点取組事項."""

from django.db import migrations


def name_existing_levels(apps, schema_editor):
    Plan = apps.get_model("plans", "Plan")
    Plan.objects.update(level_names=["重点取組事項"], leaf_name="施策")


def refuse_plans_of_other_shapes(apps, schema_editor):
    """Going back is possible only while every plan still has the old shape: one level of items and measures
    numbered uniquely in the plan (0009's reverse restores that constraint)."""
    Plan = apps.get_model("plans", "Plan")
    Measure = apps.get_model("plans", "Measure")
    PlanItem = apps.get_model("plans", "PlanItem")
    other = [plan.title for plan in Plan.objects.all() if len(plan.level_names or []) != 1]
    nested = PlanItem.objects.exclude(parent=None).exists() or Measure.objects.filter(item=None).exists()
    numbers = Measure.objects.values_list("plan_id", "number")
    repeated = len(list(numbers)) != len(set(numbers))
    if other or nested or repeated:
        raise RuntimeError(
            "Plans of other shapes than one level of items exist (or measure numbers repeat within a plan); "
            f"they cannot go back to the shape before plan levels: {other[:5]}"
        )


class Migration(migrations.Migration):
    dependencies = [("plans", "0010_goal_items")]

    operations = [migrations.RunPython(name_existing_levels, refuse_plans_of_other_shapes)]
