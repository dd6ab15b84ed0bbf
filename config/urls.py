from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from suishin.accounts.forms import LoginForm
from suishin.core import views as core_views
from suishin.portal import views as portal_views
from suishin.tenants import views as tenant_views

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("mfa/", include("suishin.accounts.urls")),
    path("jobs/<int:job_id>/", portal_views.job_detail, name="job_detail"),
    path("audit-log/", tenant_views.audit_log, name="audit_log"),
    path("organization/", tenant_views.choose_organization, name="choose_organization"),
    path("plans/", include("suishin.plans.urls")),
    path("notices/", include("suishin.notices.urls")),
]

handler400 = "suishin.core.views.bad_request"
handler403 = "suishin.core.views.permission_denied"
handler404 = "suishin.core.views.page_not_found"
handler500 = "suishin.core.views.server_error"
