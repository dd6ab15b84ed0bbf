from django.urls import path

from . import views

urlpatterns = [
    path("audit-log/", views.audit_log, name="audit_log"),
    path("organization/", views.choose_organization, name="choose_organization"),
]
