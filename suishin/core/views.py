"""The home page and the error pages."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from suishin.plans.selectors import plans_of
from suishin.tenants.access import require_actor


@login_required
@require_safe
def home(request):
    actor = require_actor(request)
    return render(request, "core/home.html", {"plans": plans_of(actor)[:10]})


def page_not_found(request, exception):
    return render(request, "core/error.html", {"status": 404, "message": "ページが見つかりません。"}, status=404)


def permission_denied(request, exception):
    return render(
        request, "core/error.html", {"status": 403, "message": "この操作を行う権限がありません。"}, status=403
    )


def server_error(request):
    return render(
        request,
        "core/error.html",
        {"status": 500, "message": "システムで問題が起きました。時間をおいてもう一度お試しください。"},
        status=500,
    )


def bad_request(request, exception):
    return render(
        request, "core/error.html", {"status": 400, "message": "リクエストの内容が正しくありません。"}, status=400
    )
