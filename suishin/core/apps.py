from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "suishin.core"
    label = "core"
    verbose_name = "共通"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the start-up checks)
