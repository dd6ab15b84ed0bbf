"""Load the demo organizations 上里町 (seed 001) and 神戸市 (seed 003) into a database that holds no other.

This command makes the organizations, departments and one user per demo login (suishin/demo/towns.py);
each app adds its part through the demo seeders it registers (suishin.core.registry.register_demo_seeder).
Run again, it adds a demo town that is missing (a database loaded before 神戸市 was added) and changes
nothing else; a database with any organization that is not the demo's is left alone.
"""

from django.core.management.base import BaseCommand

from suishin.demo.towns import DEMO_PASSWORD, DEMO_TOWNS, KAMISATO, demo_codes, load_town
from suishin.tenants.models import Organization, Role

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "load_demo"]

# (username, role, department, label) of 上里町's logins, as tests and tools have named them.
DEMO_USERS = [(login.username, login.role, login.department, login.label) for login in KAMISATO.logins]


class Command(BaseCommand):
    help = "Load the demo towns 上里町 and 神戸市 with their plans when the database has no other organization."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the demo logins")

    def handle(self, *args, **options):
        codes = set(Organization.objects.values_list("local_government_code", flat=True))
        if codes - demo_codes():
            self.stdout.write("Database already has data: demo not loaded.")
        else:
            missing = [town for town in DEMO_TOWNS if town.code not in codes]
            for town in missing:
                organization = load_town(town)
                self.stdout.write(self.style.SUCCESS(f"Demo town {organization.name} loaded."))
            if not missing:
                self.stdout.write("Demo towns already in place: nothing added.")
        if not options["quiet_logins"]:
            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            for town in DEMO_TOWNS:
                for login in town.logins:
                    self.stdout.write(f"  {login.username:24} {Role(login.role).label} {login.label}")


def load_demo() -> Organization:
    """Create 埼玉県, 上里町, its departments, one user per role, and its plan (神戸市 is left out)."""
    return load_town(KAMISATO)
