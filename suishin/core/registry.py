"""What each app adds to the shell: menu entries and home-page sections.

Apps register from their AppConfig.ready(); the base template and the portal read the registry, so
a new capability appears in the menu and on the home page without the shell knowing it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date


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


# --- notices --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """Something a person should know: a task for them, a return, a deadline.

    It says what and where, never more: `summary` is written by the app that sends it, from text
    every recipient may read (no council draft, no personal data); the page at `url` shows the rest
    under its own access rules.
    """

    organization_id: int
    recipient_ids: tuple[int, ...]  # users
    kind: str  # one of NOTICE_KINDS
    verb: str  # what happened, e.g. "plan_revision.submit"
    summary: str
    url: str
    target_type: str = ""  # the object's model label, e.g. "plans.PlanRevision"
    target_id: str = ""
    actor_id: int | None = None


NOTICE_KINDS = ("task", "return", "deadline", "info")  # 自分の作業 / 差戻し / 期限 / お知らせ
notice_hooks: list[Callable[[Notice], None]] = []


def register_notice_hook(hook: Callable[[Notice], None]) -> None:
    """Let an app deliver notices (the notices app stores and mails them)."""
    if hook not in notice_hooks:
        notice_hooks.append(hook)


def send_notice(notice: Notice) -> None:
    """Hand `notice` to every registered delivery (none yet: the sender's own records are the trace)."""
    for hook in notice_hooks:
        hook(notice)


# --- reminders ------------------------------------------------------------------------------------

# (day) -> the Notices of kind "deadline" due on `day`; `manage.py send_reminders` sends them.
reminder_providers: list[Callable[[date], Iterable[Notice]]] = []


def register_reminder_provider(provider: Callable[[date], Iterable[Notice]]) -> None:
    """Let an app say what is due: `provider(day)` returns the deadline Notices to send on `day`."""
    if provider not in reminder_providers:
        reminder_providers.append(provider)
