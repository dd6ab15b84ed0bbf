from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "suishin.core"
    label = "core"
    verbose_name = "共通"

    def ready(self) -> None:
        from suishin.core import auth_audit  # noqa: F401  (connects the login signals)
