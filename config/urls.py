from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from suishin.accounts.forms import LoginForm
from suishin.core import views as core_views
from suishin.core.registry import url_modules

# The shell's own pages; every app mounts its URL module from its AppConfig.ready()
# (suishin.core.registry.register_urls), so a new app needs no line here.
urlpatterns = [
    path("favicon.ico", core_views.favicon, name="favicon"),
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("mfa/", include("suishin.accounts.urls")),
    *[path(entry.prefix, include(entry.module)) for entry in url_modules],
]

handler400 = "suishin.core.views.bad_request"
handler403 = "suishin.core.views.permission_denied"
handler404 = "suishin.core.views.page_not_found"
handler500 = "suishin.core.views.server_error"
