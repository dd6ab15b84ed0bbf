from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "suishin.plans"
    label = "plans"
    verbose_name = "計画・工程表"

    def ready(self) -> None:
        from suishin.core import registry
        from suishin.workflows.definitions import register_workflow

        from . import audit_events  # noqa: F401  (names the audit log's events of this app)
        from .access import access_measure, access_plan, access_revision
        from .bench_seed import BENCH_SEEDER
        from .demo import DEMO_SEEDER
        from .selectors import open_measure_ownerships, plans_of
        from .workflows import REVISION_WORKFLOW

        registry.register_urls("plans/", "suishin.plans.urls")
        registry.register_access_cases("suishin.plans.tests.access_cases")
        registry.register_menu_entry(registry.MenuEntry(_("計画・工程表"), "plans:plan_list", order=10))
        registry.register_home_section(
            registry.HomeSection("plans/_home_plans.html", lambda actor: {"plans": plans_of(actor)[:10]}, order=10)
        )
        register_workflow(REVISION_WORKFLOW)
        registry.register_job_result("roadmap_import", "plans/_job_result_roadmap_import.html")
        registry.register_export(
            registry.Export(
                "roadmap_xlsx",
                "plans.Plan",
                _("工程表（Excel）"),
                "plans:roadmap_export",
                render=roadmap_xlsx,
                file_format="xlsx",
            )
        )
        registry.register_export(
            registry.Export("roadmap_pdf", "plans.Plan", _("工程表（PDF）"), "plans:roadmap_pdf", file_format="pdf")
        )
        registry.register_export(
            registry.Export(
                "revision_comparison_xlsx",
                "plans.PlanRevision",
                _("新旧対照表（Excel）"),
                "plans:revision_comparison_xlsx",
                render=revision_comparison_xlsx,
                file_format="xlsx",
            )
        )
        registry.register_export(
            registry.Export(
                "revision_comparison_pdf",
                "plans.PlanRevision",
                _("新旧対照表（PDF）"),
                "plans:revision_comparison_pdf",
                file_format="pdf",
            )
        )
        registry.register_link_target(registry.LinkTarget("plans.Plan", _("計画"), access_plan))
        registry.register_link_target(registry.LinkTarget("plans.Measure", _("施策"), access_measure))
        registry.register_link_target(registry.LinkTarget("plans.PlanRevision", _("計画の改定"), access_revision))
        registry.register_department_owned(
            registry.DepartmentOwned(
                "plans.MeasureDepartment", "department", _("施策の担当課"), open_measure_ownerships
            )
        )
        registry.register_demo_seeder(DEMO_SEEDER)
        registry.register_bench_seeder(BENCH_SEEDER)


def roadmap_xlsx(plan) -> bytes:
    """The 工程表 Excel file of `plan` (imported when called: the tabular module renders it)."""
    from .spreadsheets import roadmap_xlsx_bytes

    return roadmap_xlsx_bytes(plan)


def revision_comparison_xlsx(revision) -> bytes:
    """The 新旧対照表 Excel file of `revision` against the version decided before it."""
    from .comparison import revision_comparison_xlsx as render

    return render(revision)
