from django.urls import path

from . import views, views_comparison, views_measures, views_pdf, views_revisions, views_roadmap, views_roll_over

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("<int:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:plan_id>/roll-over/", views_roll_over.plan_roll_over, name="plan_roll_over"),
    path("<int:plan_id>/carry-report/dismiss/", views_roll_over.carry_report_dismiss, name="carry_report_dismiss"),
    path("<int:plan_id>/goals/new/", views.goal_create, name="goal_create"),
    path("goals/<int:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:goal_id>/delete/", views.goal_delete, name="goal_delete"),
    path("<int:plan_id>/levels/", views.plan_levels, name="plan_levels"),
    path("<int:plan_id>/items/new/", views.item_create, name="item_create"),
    path("items/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:item_id>/delete/", views.item_delete, name="item_delete"),
    path("<int:plan_id>/measures/", views_measures.measure_list, name="measure_list"),
    path("<int:plan_id>/measures/new/", views_measures.measure_create, name="measure_create"),
    path("measures/<int:measure_id>/", views_measures.measure_detail, name="measure_detail"),
    path("measures/<int:measure_id>/edit/", views_measures.measure_edit, name="measure_edit"),
    path("measures/<int:measure_id>/delete/", views_measures.measure_delete, name="measure_delete"),
    path("measures/<int:measure_id>/roadmap/new/", views_measures.roadmap_entry_create, name="roadmap_entry_create"),
    path("roadmap-entries/<int:entry_id>/edit/", views_measures.roadmap_entry_edit, name="roadmap_entry_edit"),
    path("roadmap-entries/<int:entry_id>/delete/", views_measures.roadmap_entry_delete, name="roadmap_entry_delete"),
    path("<int:plan_id>/roadmap/", views_roadmap.roadmap, name="roadmap"),
    path("<int:plan_id>/roadmap.xlsx", views_roadmap.roadmap_export, name="roadmap_export"),
    path("<int:plan_id>/roadmap.pdf", views_pdf.roadmap_pdf, name="roadmap_pdf"),
    path("<int:plan_id>/roadmap/import/", views_roadmap.roadmap_import, name="roadmap_import"),
    path("<int:plan_id>/revisions/", views_revisions.revision_list, name="revision_list"),
    path("<int:plan_id>/revisions/new/", views_revisions.revision_create, name="revision_create"),
    path("revisions/<int:revision_id>/edit/", views_revisions.revision_edit, name="revision_edit"),
    path("revisions/<int:revision_id>/transition/", views_revisions.revision_transition, name="revision_transition"),
    path("<int:plan_id>/revisions/compare/", views_revisions.revision_compare, name="revision_compare"),
    path("revisions/<int:revision_id>/", views_revisions.revision_detail, name="revision_detail"),
    path(
        "revisions/<int:revision_id>/comparison/",
        views_comparison.revision_comparison_page,
        name="revision_comparison",
    ),
    path(
        "revisions/<int:revision_id>/comparison.xlsx",
        views_comparison.revision_comparison_xlsx,
        name="revision_comparison_xlsx",
    ),
    path(
        "revisions/<int:revision_id>/comparison.pdf",
        views_comparison.revision_comparison_pdf,
        name="revision_comparison_pdf",
    ),
]
