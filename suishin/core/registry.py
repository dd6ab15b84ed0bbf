"""What each app adds to the shell: menu entries and home-page sections.

Apps register from their AppConfig.ready(); the base template and the portal read the registry, so
a new capability appears in the menu and on the home page without the shell knowing it.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    roles: tuple[str, ...] = ()  # empty: everyone in an organization
    order: int = 100


@dataclass(frozen=True)
class HomeSection:
    template: str
    context: Callable  # (actor) -> dict for the template
    order: int = 100


menu_entries: list[MenuEntry] = []
home_sections: list[HomeSection] = []


def register_menu_entry(entry: MenuEntry) -> None:
    if entry not in menu_entries:
        menu_entries.append(entry)
        menu_entries.sort(key=lambda e: e.order)


def register_home_section(section: HomeSection) -> None:
    if section not in home_sections:
        home_sections.append(section)
        home_sections.sort(key=lambda s: s.order)


def menu_for(actor) -> list[MenuEntry]:
    """Return the menu entries the actor may see."""
    if actor is None or getattr(actor, "organization", None) is None:
        return []
    return [e for e in menu_entries if not e.roles or actor.has_role(*e.roles)]
