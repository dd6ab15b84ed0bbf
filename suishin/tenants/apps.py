from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "suishin.tenants"
    label = "tenants"
    verbose_name = "団体・組織"

    def ready(self) -> None:
        from suishin.core.registry import MenuEntry, register_menu_entry

        from .models import Role

        register_menu_entry(MenuEntry(_("監査ログ"), "audit_log", roles=(Role.ADMIN,), order=90))

        from . import audit_events  # noqa: F401  (names the audit log's events of this app)
