"""Plans get levels of items above their measures: the priority areas become the items of a plan's one level,
measures keep their numbers (unique as a full path from now on, checked by the services). The level's name is
given by 0011."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0008_optional_stage_reasons_carry_report"),
        ("tenants", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="priorityarea", name="priority_area_title_unique"),
        migrations.RemoveConstraint(model_name="measure", name="measure_number_unique"),
        migrations.RenameModel(old_name="PriorityArea", new_name="PlanItem"),
        migrations.RenameField(model_name="measure", old_name="priority_area", new_name="item"),
        migrations.AlterField(
            model_name="measure",
            name="item",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="measures",
                to="plans.planitem",
                verbose_name="項目",
            ),
        ),
        migrations.AlterField(
            model_name="planitem",
            name="plan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="items",
                to="plans.plan",
                verbose_name="計画",
            ),
        ),
        migrations.AddField(
            model_name="planitem",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="children",
                to="plans.planitem",
                verbose_name="上位の項目",
            ),
        ),
        migrations.AddField(
            model_name="planitem", name="level", field=models.PositiveSmallIntegerField(default=1, verbose_name="階層")
        ),
        migrations.AddField(
            model_name="planitem",
            name="number",
            field=models.CharField(blank=True, max_length=20, verbose_name="番号"),
        ),
        migrations.AddField(
            model_name="plan",
            name="level_names",
            field=models.JSONField(blank=True, default=list, verbose_name="階層名"),
        ),
        migrations.AddField(
            model_name="plan",
            name="leaf_name",
            field=models.CharField(default="施策", max_length=20, verbose_name="施策の呼び方"),
        ),
    ]
