from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("setup/", views.mfa_setup, name="mfa_setup"),
    path("verify/", views.mfa_verify_view, name="mfa_verify"),
]
