from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="notice_list"),
    path("read/", views.notice_mark_read, name="notice_mark_read"),
    path("read-all/", views.notice_mark_all_read, name="notice_mark_all_read"),
    path("mail/", views.mail_preferences, name="mail_preferences"),
]
