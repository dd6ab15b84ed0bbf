from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "suishin.plans"
    label = "plans"
    verbose_name = "計画・工程表"

    def ready(self) -> None:
        from suishin.core.registry import HomeSection, MenuEntry, register_home_section, register_menu_entry
        from suishin.workflows.definitions import register_workflow

        from . import audit_events  # noqa: F401  (names the audit log's events of this app)
        from .selectors import plans_of
        from .workflows import REVISION_WORKFLOW

        register_workflow(REVISION_WORKFLOW)

        register_menu_entry(MenuEntry(_("計画・工程表"), "plans:plan_list", order=10))
        register_home_section(
            HomeSection("plans/_home_plans.html", lambda actor: {"plans": plans_of(actor)[:10]}, order=10)
        )
