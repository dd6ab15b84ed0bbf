"""Send a user whose role requires a second factor to verify it before anything else (an htmx request
gets `HX-Redirect`, so the whole page goes)."""

from django.urls import reverse

from suishin.core.htmx import redirect_page

from .mfa import has_confirmed_device, mfa_required

ALWAYS_ALLOWED = ("/mfa/", "/logout/", "/static/", "/i18n/", "/login/", "/favicon.ico")


class MFARequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(ALWAYS_ALLOWED)
            and mfa_required(request.actor)
        ):
            target = "accounts:mfa_verify" if has_confirmed_device(user) else "accounts:mfa_setup"
            return redirect_page(request, reverse(target))
        return self.get_response(request)
