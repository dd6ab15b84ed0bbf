from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "suishin.workflows"
    label = "workflows"
    verbose_name = "ワークフロー"

    def ready(self) -> None:
        from suishin.core.registry import HomeSection, register_home_section

        from . import audit_events  # noqa: F401  (names the audit log's events of this app)
        from .selectors import next_actions

        # What the actor may do next, across every kind of workflow object: first on the home page.
        register_home_section(
            HomeSection("workflows/_home_todo.html", lambda actor: {"actions": next_actions(actor, limit=20)}, order=5)
        )
