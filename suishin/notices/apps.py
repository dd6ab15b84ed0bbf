from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "suishin.notices"
    label = "notices"
    verbose_name = "お知らせ・リマインダー"

    def ready(self) -> None:
        from suishin.core.registry import register_access_cases, register_notice_hook, register_urls

        register_urls("notices/", "suishin.notices.urls")
        register_access_cases("suishin.notices.tests.access_cases")

        from . import audit_events  # noqa: F401  (names the audit log's events of this app)
        from .delivery import deliver

        register_notice_hook(deliver)
