from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "suishin.portal"
    label = "portal"
    verbose_name = "ポータル"

    def ready(self) -> None:
        from suishin.core.registry import (
            HomeSection,
            MenuEntry,
            register_access_cases,
            register_home_section,
            register_menu_entry,
            register_urls,
            todos_for,
        )

        register_urls("", "suishin.portal.urls")
        register_access_cases("suishin.portal.tests.access_cases")
        register_menu_entry(MenuEntry(_("ホーム"), "home", order=0))
        # あなたの作業: what the actor may do next, from every app's to-do provider, first on the home page.
        register_home_section(HomeSection("portal/_home_todo.html", lambda actor: {"items": todos_for(actor)}, order=5))
