from django.urls import path

from . import views

app_name = "reorganisation"

urlpatterns = [
    path("", views.reorganisation_list, name="list"),
    path("new/", views.reorganisation_create, name="create"),
    path("tree/", views.tree, name="tree"),
    path("tree.json", views.tree_json, name="tree_json"),
    path("<int:reorganisation_id>/", views.reorganisation_detail, name="detail"),
    path("<int:reorganisation_id>/edit/", views.reorganisation_edit, name="edit"),
    path("<int:reorganisation_id>/delete/", views.reorganisation_delete, name="delete"),
    path("<int:reorganisation_id>/schedule/", views.reorganisation_schedule, name="schedule"),
    path("<int:reorganisation_id>/unschedule/", views.reorganisation_unschedule, name="unschedule"),
    path("<int:reorganisation_id>/apply/", views.reorganisation_apply, name="apply"),
    path("<int:reorganisation_id>/draft/", views.draft, name="draft"),
    path("<int:reorganisation_id>/draft/new/", views.node_create, name="node_create"),
    path("<int:reorganisation_id>/draft/import/", views.draft_import, name="import"),
    path("<int:reorganisation_id>/draft.xlsx", views.draft_export, name="export"),
    path("<int:reorganisation_id>/successors/", views.mapping, name="mapping"),
    path("draft-departments/<int:node_id>/edit/", views.node_edit, name="node_edit"),
    path("draft-departments/<int:node_id>/close/", views.node_close, name="node_close"),
    path("closing/<int:mapping_id>/restore/", views.node_restore, name="node_restore"),
]
