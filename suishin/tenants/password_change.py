"""A user who logged in with a temporary password chooses their own before anything else.

At log-in, a user who holds a `TemporaryPassword` gets a mark in their session (one query, at log-in
only); while the mark is there, every page but the change page, the second-factor pages and log-out
sends them to change it (an htmx request gets `HX-Redirect`, so the whole page goes). The admin's
issuing of a temporary password ends the user's sessions, so the mark cannot be missed by a session
that was open before. A temporary password older than TEMPORARY_PASSWORD_TIMEOUT no longer logs in
(`suishin.accounts.forms.LoginForm`).
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.urls import reverse

from suishin.core.htmx import redirect_page

SESSION_KEY = "password_change_required"
ALWAYS_ALLOWED = ("/mfa/", "/logout/", "/static/", "/i18n/", "/login/", "/favicon.ico")


@receiver(user_logged_in, dispatch_uid="suishin.tenants.password_change.mark")
def mark_session_at_login(sender, request, user, **kwargs):
    from .services import password_change_required

    if request is not None and hasattr(request, "session") and password_change_required(user):
        request.session[SESSION_KEY] = True


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """A temporary password waiting in the admin's session to be shown once is dropped by any other page:
        it never stays stored when the admin did not follow the redirect to it."""
        from .views_admin import SESSION_TEMPORARY_PASSWORD, user_temporary_password

        session = getattr(request, "session", None)
        if session is not None and view_func is not user_temporary_password and SESSION_TEMPORARY_PASSWORD in session:
            session.pop(SESSION_TEMPORARY_PASSWORD, None)
        return None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.session.get(SESSION_KEY):
            target = reverse("password_change")
            if request.path != target and not request.path.startswith(ALWAYS_ALLOWED):
                return redirect_page(request, target)
        return self.get_response(request)
