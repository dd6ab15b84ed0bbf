import pytest
from django.urls import reverse

from suishin.plans.models import PlanItem


@pytest.fixture
def secretariat(client, cast):
    client.force_login(cast.town.users["secretariat"])
    return client


def test_an_area_with_measures_offers_no_delete_button(secretariat, plan):
    """The page says the area cannot be deleted, and it gives no red 削除する button either."""
    area = plan.items.filter(measures__isnull=False).first()
    response = secretariat.get(reverse("plans:item_delete", args=[area.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "下に項目や施策がある項目は削除できません。先に移すか削除してください。" in content
    assert "削除する" not in content and "button--danger" not in content
    assert 'method="post"' not in content.split("<main", 1)[1]
    assert reverse("plans:item_edit", args=[area.pk]) in content
    response = secretariat.post(reverse("plans:item_delete", args=[area.pk]))
    assert response.status_code == 302
    assert PlanItem.objects.filter(pk=area.pk).exists()


def test_an_empty_area_offers_the_delete_button(secretariat, plan):
    area = PlanItem.objects.create(organization=plan.organization, plan=plan, title="空の重点取組事項", position=9)
    content = secretariat.get(reverse("plans:item_delete", args=[area.pk])).content.decode()
    assert "削除する" in content and "削除できません" not in content
    assert secretariat.post(reverse("plans:item_delete", args=[area.pk])).status_code == 302
    assert not PlanItem.objects.filter(pk=area.pk).exists()


def test_a_measure_delete_page_keeps_its_warning_and_button(secretariat, plan):
    measure = plan.measures.first()
    content = secretariat.get(reverse("plans:measure_delete", args=[measure.pk])).content.decode()
    assert "この施策の工程もすべて削除されます" in content and "削除する" in content
