from suishin.core.access_matrix import EVERYONE, Case

from ..models import SampleItem

CASES = {
    "sample_capability:item_list": Case(None, EVERYONE, set()),
    "sample_capability:item_detail": Case("sample_item", EVERYONE, set()),
}

WATCHED = [SampleItem]


def objects_of(town) -> dict:
    item = SampleItem.objects.filter(organization=town.organization).first() or SampleItem.objects.create(
        organization=town.organization, department=town.departments[0], title="項目"
    )
    return {"sample_item": {"item_id": item.pk}}
