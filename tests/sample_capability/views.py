from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from suishin.core.registry import TodoItem
from suishin.tenants.access import get_in_organization, require_actor


@login_required
@require_safe
def item_list(request):
    from .models import SampleItem

    actor = require_actor(request)
    items = SampleItem.objects.for_organization(actor.organization)
    return render(request, "sample_capability/item_list.html", {"items": items})


@login_required
@require_safe
def item_detail(request, item_id):
    from .models import SampleItem

    actor = require_actor(request)
    item = get_in_organization(SampleItem.objects.all(), actor, item_id)
    return render(request, "sample_capability/item_list.html", {"items": [item]})


def sample_todos(actor):
    return [TodoItem("試験用の作業", "/sample/", "未着手", ("確認する",))] if actor.has_role("council") else []
