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
]
