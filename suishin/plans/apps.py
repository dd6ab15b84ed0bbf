from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "suishin.plans"
    label = "plans"
    verbose_name = "計画・工程表"
