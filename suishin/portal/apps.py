from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "suishin.portal"
    label = "portal"
    verbose_name = "ポータル"

    def ready(self) -> None:
        from suishin.core.registry import MenuEntry, register_menu_entry

        register_menu_entry(MenuEntry(_("ホーム"), "home", order=0))
