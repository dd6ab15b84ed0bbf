"""What each app adds to the shell: menu entries and home-page sections.

Apps register from their AppConfig.ready(); the base template and the portal read the registry, so
a new capability appears in the menu and on the home page without the shell knowing it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class MenuEntry:
    label: StrOrPromise
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
notice_hooks: list[Callable[[Notice], object]] = []  # what a hook returns is not used


def register_notice_hook(hook: Callable[[Notice], object]) -> None:
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


# --- to-do providers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TodoItem:
    """Something the actor may do next (the home page's あなたの作業)."""

    title: str
    url: str
    state: str  # where it stands now, e.g. 「決定待ち」
    actions: tuple[str, ...]  # what the actor may do, e.g. (「決定を記録する」, 「差し戻す」)


todo_providers: list[Callable] = []  # (actor) -> Iterable[TodoItem], in a fixed number of queries


def register_todo_provider(provider: Callable) -> None:
    if provider not in todo_providers:
        todo_providers.append(provider)


def todos_for(actor) -> list[TodoItem]:
    """Return what the actor may do next, from every app that registered a provider."""
    return [item for provider in todo_providers for item in provider(actor)]


# --- objects owned by departments (a reorganisation moves them) ------------------------------------


@dataclass(frozen=True)
class DepartmentOwned:
    """A kind of object that belongs to a department, which a reorganisation (組織改編) moves.

    `open_rows(organization_id)` returns the queryset of the rows that follow the mapping from old to
    new departments: those of open years (the current plan's measures, appointments of current and
    future years, reports not yet approved). Rows of approved years keep their department as it was.
    """

    model: str  # model label, e.g. "plans.MeasureDepartment"
    department_field: str  # e.g. "department"
    label: StrOrPromise  # what a reorganisation report calls them: 「施策の担当課」
    open_rows: Callable


department_owned: list[DepartmentOwned] = []


def register_department_owned(kind: DepartmentOwned) -> None:
    if kind not in department_owned:
        department_owned.append(kind)


@dataclass(frozen=True)
class DepartmentFigure:
    """A number the department tree shows for each department (the staff register's headcount).

    `counts(organization)` returns {department id: number} in a fixed number of queries, whatever the
    size of the tree; a department it leaves out shows 0. The numbers are those of each department
    alone: the tree adds, for a department with others under it, the total over them.
    """

    label: StrOrPromise  # the column's header: 「職員数」
    counts: Callable


department_figures: list[DepartmentFigure] = []


def register_department_figure(figure: DepartmentFigure) -> None:
    if figure not in department_figures:
        department_figures.append(figure)


# --- link targets (what a decision, a consultation or a notice can point at) ---------------------------


@dataclass(frozen=True)
class LinkTarget:
    """A kind of object others may link to without importing its app (a meeting's decision links to
    a revision or a report). `access(actor, object_id)` returns the object or raises 404, as the
    app's own pages do; `describe(obj)` is its name in a list."""

    kind: str  # model label
    label: StrOrPromise
    access: Callable
    describe: Callable = str


link_targets: dict[str, LinkTarget] = {}


def register_link_target(target: LinkTarget) -> None:
    link_targets[target.kind] = target


def resolve_link(actor, kind: str, object_id):
    """Return the linked object as the actor may see it, or raise 404 (unknown kind included)."""
    from django.http import Http404

    target = link_targets.get(kind)
    if target is None:
        raise Http404
    return target.access(actor, object_id)


# --- exports and report sections ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReportSection:
    """A part of another app's document (PDCA's result report shows a measure's indicators without
    importing the indicators app): `context(actor, obj)` gives the template's data, or None to leave
    the section out."""

    key: str
    for_kind: str  # the model label of the object the report is about, e.g. "plans.Measure"
    template: str
    context: Callable
    order: int = 100


report_sections: list[ReportSection] = []


def register_report_section(section: ReportSection) -> None:
    if section not in report_sections:
        report_sections.append(section)
        report_sections.sort(key=lambda s: s.order)


def sections_for(kind: str) -> list[ReportSection]:
    return [s for s in report_sections if s.for_kind == kind]


@dataclass(frozen=True)
class Export:
    """A document an app offers for download (Excel, CSV, PDF), listed where the object is shown."""

    key: str
    for_kind: str  # model label of the object exported, e.g. "plans.Plan"
    label: StrOrPromise  # 「工程表（Excel）」
    url_name: str  # takes the object's id
    order: int = 100
    # (obj) -> the file's bytes, and its format ("xlsx", "pdf", "csv"): the restore drill compares
    # every xlsx export of every object before and after a restore.
    render: Callable | None = None
    file_format: str = ""


exports: list[Export] = []


def register_export(export: Export) -> None:
    if export not in exports:
        exports.append(export)
        exports.sort(key=lambda e: e.order)


def exports_for(kind: str) -> list[Export]:
    return [e for e in exports if e.for_kind == kind]


# --- job results ------------------------------------------------------------------------------------------

job_result_templates: dict[str, str] = {}  # Job.kind -> the template that shows its result


def register_job_result(kind: str, template: str) -> None:
    """Say how the job page shows the result of an app's kind of job (the portal knows none itself)."""
    job_result_templates[kind] = template


# --- demo and bench seeders ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seeder:
    """Adds an app's part to the demo town (`load_demo`) or to the benchmark data (`bench_seed`).

    A demo seeder gets the demo context (organization, departments by name, users by role, the
    demo data file); a bench seeder gets the organizations just created and their departments.
    """

    name: str
    run: Callable
    order: int = 100


@dataclass(frozen=True)
class DemoContext:
    organization: object
    departments: dict  # name -> Department
    users: dict  # role -> User
    data: dict  # the demo data file (suishin/demo/data/kamisato.json)


demo_seeders: list[Seeder] = []
bench_seeders: list[Seeder] = []


def register_demo_seeder(seeder: Seeder) -> None:
    if seeder.name not in {s.name for s in demo_seeders}:
        demo_seeders.append(seeder)
        demo_seeders.sort(key=lambda s: s.order)


def register_bench_seeder(seeder: Seeder) -> None:
    if seeder.name not in {s.name for s in bench_seeders}:
        bench_seeders.append(seeder)
        bench_seeders.sort(key=lambda s: s.order)


# --- URLs and access-test cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class UrlModule:
    prefix: str  # e.g. "plans/"
    module: str  # e.g. "suishin.plans.urls"


url_modules: list[UrlModule] = []
# Dotted paths of modules holding an app's access-test cases (read by tests/test_url_access.py only).
access_case_modules: list[str] = []


def register_urls(prefix: str, module: str) -> None:
    """Mount an app's URL module; config/urls.py includes every registered one."""
    entry = UrlModule(prefix, module)
    if entry not in url_modules:
        url_modules.append(entry)


def register_access_cases(module: str) -> None:
    """Name the module (usually `<app>.tests.access_cases`) with the app's cases for the access matrix."""
    if module not in access_case_modules:
        access_case_modules.append(module)


# --- who a background job acts as ------------------------------------------------------------------------------

_job_actor: list[Callable] = []  # the tenants app registers (job) -> its Actor


def register_job_actor(resolver: Callable) -> None:
    """Say how to find the actor a job runs as (the tenants app: its creator, in its organization)."""
    _job_actor[:] = [resolver]


def job_actor(job):
    """Return the actor `job` runs as: the person who queued it, in the organization it was queued in."""
    return _job_actor[0](job)
