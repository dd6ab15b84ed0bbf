"""Answers that send the browser elsewhere, whether the request came from a link or from htmx."""

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def redirect_page(request: HttpRequest, url: str) -> HttpResponseBase:
    """Send the whole page to `url`: a 302, or for htmx a 204 with `HX-Redirect` (htmx would follow a 302
    itself and swap the page it lands on into the fragment it was asked for)."""
    if is_htmx(request):
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)
