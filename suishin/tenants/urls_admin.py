from django.urls import path

from . import views_admin as views

app_name = "tenants_admin"

urlpatterns = [
    path("departments/", views.department_tree, name="department_tree"),
    path("departments/new/", views.department_new, name="department_new"),
    path("departments/<int:department_id>/", views.department_edit, name="department_edit"),
    path("departments/<int:department_id>/close/", views.department_close, name="department_close"),
    path("departments/<int:department_id>/reopen/", views.department_reopen, name="department_reopen"),
    path("departments/<int:department_id>/merge/", views.department_merge, name="department_merge"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<int:user_id>/", views.user_edit, name="user_edit"),
    path("users/<int:user_id>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:user_id>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("users/<int:user_id>/password/", views.user_password_reset, name="user_password_reset"),
    path("users/<int:user_id>/password/temporary/", views.user_temporary_password, name="user_temporary_password"),
    path("users/<int:user_id>/mfa/", views.user_mfa_reset, name="user_mfa_reset"),
    path("settings/", views.organization_settings, name="organization_settings"),
]
