from django.urls import path

from . import views

app_name = "staff"

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("headcount/", views.headcount, name="headcount"),
    path("new/", views.person_new, name="person_new"),
    path("import/", views.staff_import, name="staff_import"),
    path("export/", views.staff_export, name="staff_export"),
    path("import/template/", views.staff_import_template, name="staff_import_template"),
    path("<int:person_id>/", views.person_detail, name="person_detail"),
    path("<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("<int:person_id>/login/", views.person_login_new, name="person_login_new"),
    path("<int:person_id>/user/", views.person_user_link, name="person_user_link"),
    path("<int:person_id>/user/unlink/", views.person_user_unlink, name="person_user_unlink"),
    path("ranks/", views.rank_list, name="rank_list"),
    path("ranks/new/", views.rank_new, name="rank_new"),
    path("ranks/defaults/", views.rank_defaults, name="rank_defaults"),
    path("ranks/<int:rank_id>/", views.rank_edit, name="rank_edit"),
    path("ranks/<int:rank_id>/order/", views.rank_order, name="rank_order"),
    path("ranks/<int:rank_id>/delete/", views.rank_delete, name="rank_delete"),
]
