from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "suishin.core"
    label = "core"
    verbose_name = "共通"

    def ready(self) -> None:
        from . import audit_events, checks  # noqa: F401  (register the start-up checks and core's audit events)
