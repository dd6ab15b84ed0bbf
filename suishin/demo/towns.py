"""The demo organizations and how one is loaded.

上里町 (seed 001: a DX plan of one level, 重点取組事項 → 施策) and 神戸市 (seed 003: 働き方改革（業務改革）
ロードマップ2.0, three levels 柱 → 大項目 → 中項目 → 個別項目). Each has a data file in `data/`; loading one
makes its prefecture, the organization, its departments (局 → 課 where the file gives a parent) and its demo
logins, then runs every registered demo seeder (suishin.core.registry.register_demo_seeder) on it.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from suishin.core.registry import DemoContext, demo_seeders
from suishin.tenants.models import Department, Organization, Role
from suishin.tenants.services import (
    department_create,
    organization_create,
    organization_settings_update,
    system_actor,
    user_create_with_role,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "suishin-demo-2023"  # noqa: S105 - printed on purpose: demo logins only


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    department: str | None  # a department name of the data file
    label: str


@dataclass(frozen=True)
class DemoTown:
    data_file: str
    logins: tuple[DemoLogin, ...]

    def data(self) -> dict:
        return json.loads((DATA_DIR / self.data_file).read_text(encoding="utf-8"))

    @property
    def code(self) -> str:
        return self.data()["organization"]["code"]

    def codes(self) -> set[str]:
        """Return the codes of the organizations loading this town makes (it and its prefecture)."""
        data = self.data()
        return {data["organization"]["code"], data["prefecture"]["code"]}


KAMISATO = DemoTown(
    "kamisato.json",
    (
        DemoLogin("kamisato-admin", Role.ADMIN, None, "管理者"),
        DemoLogin("kamisato-secretariat", Role.SECRETARIAT, "総合政策課", "事務局（総合政策課）"),
        DemoLogin("kamisato-committee", Role.COMMITTEE, None, "情報化推進委員"),
        DemoLogin("kamisato-department", Role.DEPARTMENT, "町民課", "町民課 ICTリーダー"),
        DemoLogin("kamisato-council", Role.COUNCIL, None, "評議会委員"),
        DemoLogin("kamisato-staff", Role.STAFF, None, "職員"),
    ),
)
KOBE = DemoTown(
    "kobe.json",
    (
        DemoLogin("kobe-admin", Role.ADMIN, None, "管理者"),
        DemoLogin("kobe-secretariat", Role.SECRETARIAT, "業務改革課", "事務局（行財政局 業務改革課）"),
        DemoLogin("kobe-committee", Role.COMMITTEE, None, "働き方改革推進チーム"),
        DemoLogin("kobe-department", Role.DEPARTMENT, "デジタル戦略部", "デジタル戦略部 ICT業務改革担当"),
    ),
)
DEMO_TOWNS = (KAMISATO, KOBE)


def demo_codes() -> set[str]:
    """Return the codes of every organization the demo makes."""
    return set().union(*(town.codes() for town in DEMO_TOWNS))


@transaction.atomic
def load_town(town: DemoTown) -> Organization:
    """Create the town of `town`'s data file (and its prefecture unless another demo town made it), its
    departments, its logins and, through the registered demo seeders, its plan and the rest."""
    data = town.data()
    bootstrap = system_actor(None)
    prefecture = Organization.objects.filter(local_government_code=data["prefecture"]["code"]).first()
    if prefecture is None:
        prefecture = organization_create(
            actor=bootstrap,
            kind=Organization.Kind.PREFECTURE,
            local_government_code=data["prefecture"]["code"],
            name=data["prefecture"]["name"],
        )
    organization = organization_create(
        actor=bootstrap,
        kind=Organization.Kind.MUNICIPALITY,
        local_government_code=data["organization"]["code"],
        name=data["organization"]["name"],
        prefecture=prefecture,
        population=data["organization"].get("population"),
    )
    actor = system_actor(organization)
    if level_names := data["organization"].get("plan_level_names"):
        organization = organization_settings_update(
            actor=system_actor(organization, Role.ADMIN),
            organization=organization,
            name=organization.name,
            population=organization.population,
            plan_level_names=level_names,
            mail_sender=organization.mail_sender,
            mfa_required_roles=organization.mfa_required_roles,
        )
    departments: dict[str, Department] = {}
    for position, item in enumerate(data["departments"], start=1):
        departments[item["name"]] = department_create(
            actor=actor,
            organization=organization,
            code=item["code"],
            name=item["name"],
            parent=departments[item["parent"]] if item.get("parent") else None,
            position=position,
        )
    users: dict[str, object] = {}
    for login in town.logins:
        users[login.role] = user_create_with_role(
            actor=actor,
            organization=organization,
            username=login.username,
            password=DEMO_PASSWORD,
            role=login.role,
            department=departments.get(login.department) if login.department else None,
            full_name=login.label,
        )
    context = DemoContext(organization=organization, departments=departments, users=users, data=data)
    for seeder in demo_seeders:
        seeder.run(context)
    return organization
