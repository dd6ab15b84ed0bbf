"""Load the demo town 上里町 (seed 001: its DX plan and 工程表) when the database is empty.

This command makes the organizations, departments and one user per role; each app adds its part
through the demo seeders it registers (suishin.core.registry.register_demo_seeder).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from suishin.core.registry import DemoContext, demo_seeders
from suishin.tenants.models import Organization, Role
from suishin.tenants.services import (
    department_create,
    organization_create,
    system_actor,
    user_create_with_role,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "kamisato.json"
DEMO_PASSWORD = "suishin-demo-2023"  # noqa: S105 - printed on purpose: demo logins only
DEMO_USERS = [
    ("kamisato-admin", Role.ADMIN, None, "管理者"),
    ("kamisato-secretariat", Role.SECRETARIAT, "総合政策課", "事務局（総合政策課）"),
    ("kamisato-committee", Role.COMMITTEE, None, "情報化推進委員"),
    ("kamisato-department", Role.DEPARTMENT, "町民課", "町民課 ICTリーダー"),
    ("kamisato-council", Role.COUNCIL, None, "評議会委員"),
    ("kamisato-staff", Role.STAFF, None, "職員"),
]


class Command(BaseCommand):
    help = "Load the demo town 上里町 with its DX plan when the database has no organization yet."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the demo logins")

    def handle(self, *args, **options):
        if Organization.objects.exists():
            self.stdout.write("Database already has data: demo not loaded.")
        else:
            load_demo()
            self.stdout.write(self.style.SUCCESS("Demo town 上里町 loaded."))
        if not options["quiet_logins"]:
            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            for username, role, _department, label in DEMO_USERS:
                self.stdout.write(f"  {username:24} {Role(role).label} {label}")


@transaction.atomic
def load_demo() -> Organization:
    """Create 埼玉県, 上里町, its departments, one user per role, and its plan."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    bootstrap = system_actor(None)
    prefecture = organization_create(
        actor=bootstrap,
        kind=Organization.Kind.PREFECTURE,
        local_government_code=data["prefecture"]["code"],
        name=data["prefecture"]["name"],
    )
    town = organization_create(
        actor=bootstrap,
        kind=Organization.Kind.MUNICIPALITY,
        local_government_code=data["organization"]["code"],
        name=data["organization"]["name"],
        prefecture=prefecture,
        population=data["organization"].get("population"),
    )
    actor = system_actor(town)
    departments = {}
    for position, item in enumerate(data["departments"], start=1):
        departments[item["name"]] = department_create(
            actor=actor, organization=town, code=item["code"], name=item["name"], position=position
        )
    users = {}
    for username, role, department, label in DEMO_USERS:
        users[role] = user_create_with_role(
            actor=actor,
            organization=town,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            department=departments.get(department) if department else None,
            full_name=label,
        )
    context = DemoContext(organization=town, departments=departments, users=users, data=data)
    for seeder in demo_seeders:
        seeder.run(context)
    return town

