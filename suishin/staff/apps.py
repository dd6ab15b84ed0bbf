from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "suishin.staff"
    label = "staff"
    verbose_name = "職員名簿"

    def ready(self) -> None:
        from suishin.core import registry
        from suishin.tenants.models import Role

        from . import audit_events  # noqa: F401  (names the audit log's events of this app)
        from .demo import DEMO_SEEDER
        from .onboarding import onboarding_section
        from .selectors import headcount_by_department, open_staff_rows

        registry.register_urls("staff/", "suishin.staff.urls")
        registry.register_access_cases("suishin.staff.tests.access_cases")
        registry.register_menu_entry(
            registry.MenuEntry(_("管理：職員名簿"), "staff:person_list", roles=(Role.ADMIN, Role.SECRETARIAT), order=82)
        )
        registry.register_home_section(registry.HomeSection("staff/_home_onboarding.html", onboarding_section, order=1))
        registry.register_job_result("staff_import", "staff/_job_result_staff_import.html")
        registry.register_department_owned(
            registry.DepartmentOwned("staff.Person", "department", _("職員の所属"), open_staff_rows)
        )
        registry.register_demo_seeder(DEMO_SEEDER)
        registry.register_department_figure(registry.DepartmentFigure(_("職員数"), headcount_by_department))
