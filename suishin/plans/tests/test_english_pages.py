"""In English, the plan pages show no Japanese of the app's own (the towns' data stays as typed)."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext, override

from suishin.plans import services
from suishin.plans.tests.factories import decided_revision


def english(client, user):
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


def test_revision_compare_labels_and_prefixes_are_translated(client, cast, plan):
    actor = cast.town.actor("secretariat")
    revision = decided_revision(cast.town, plan, dt.date(2023, 4, 1))
    area = plan.items.first()
    services.plan_item_update(
        actor=actor,
        item=area,
        title=area.title,
        description="説明を見直しました",
        cross_cutting=area.cross_cutting,
        position=area.position,
        version=area.version,
    )
    measure = plan.measures.order_by("number").first()
    services.roadmap_entry_delete(actor=actor, entry=measure.roadmap_entries.first())
    english(client, cast.town.users["secretariat"])

    url = reverse("plans:revision_compare", args=[plan.pk])
    content = client.get(url, {"old": revision.pk, "new": "current"}).content.decode()

    with override("en"):
        span, area_label, description = gettext("工程"), gettext("重点取組事項"), gettext("説明")
    assert "Span" == span and area_label != "重点取組事項" and description != "説明"
    assert f"{span}: {measure.number} {measure.title}" in content
    assert f"{area_label}: {area.title}" in content
    assert f"<dt>{description}</dt>" in content
    for japanese in ("工程：", "重点取組事項：", "<dt>説明</dt>", "年度）"):
        assert japanese not in content, japanese
