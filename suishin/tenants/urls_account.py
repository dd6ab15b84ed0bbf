from django.urls import path

from . import views_admin

urlpatterns = [
    path("password-change/", views_admin.password_change, name="password_change"),
    path("password/<str:uidb64>/<str:token>/", views_admin.password_set, name="password_set"),
]
