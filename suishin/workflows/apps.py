from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "suishin.workflows"
    label = "workflows"
    verbose_name = "ワークフロー"

    def ready(self) -> None:
        from suishin.core.registry import register_todo_provider

        from . import audit_events  # noqa: F401  (names the audit log's events of this app)
        from .selectors import workflow_todos

        register_todo_provider(workflow_todos)
