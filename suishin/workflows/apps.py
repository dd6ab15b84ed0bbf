from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "suishin.workflows"
    label = "workflows"
    verbose_name = "ワークフロー"
