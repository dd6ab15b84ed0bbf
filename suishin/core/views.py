"""The error pages, and the icon browsers ask for at /favicon.ico."""

from pathlib import Path

from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

FAVICON = Path(__file__).resolve().parent / "static" / "suishin" / "icons" / "favicon.ico"


def page_not_found(request, exception):
    return render(request, "core/error.html", {"status": 404, "message": _("ページが見つかりません。")}, status=404)


def permission_denied(request, exception):
    return render(
        request, "core/error.html", {"status": 403, "message": _("この操作を行う権限がありません。")}, status=403
    )


def server_error(request):
    """Render the 500 page without touching the database, which may be the thing that failed.

    A lost or refused database connection gets the same page as a 503 with Retry-After, logged in one line.
    """
    from suishin.core.db_unavailable import unavailable_response_for_current_error

    unavailable = unavailable_response_for_current_error(request)
    if unavailable is not None:
        return unavailable
    return HttpResponseServerError(loader.get_template("core/500.html").render({}))


def bad_request(request, exception):
    return render(
        request, "core/error.html", {"status": 400, "message": _("リクエストの内容が正しくありません。")}, status=400
    )


@require_safe
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request):
    """Answer /favicon.ico, which browsers request whatever the page links (pages link the SVG in static)."""
    return HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
