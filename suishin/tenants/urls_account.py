from django.urls import path

from . import views_admin

urlpatterns = [
    path("password/<str:uidb64>/<str:token>/", views_admin.password_set, name="password_set"),
]
