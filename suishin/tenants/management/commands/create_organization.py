"""Register a prefecture or municipality (a new tenant) from the command line."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from suishin.tenants.models import Organization
from suishin.tenants.services import organization_create, system_actor


class Command(BaseCommand):
    help = "Register an organization by its 全国地方公共団体コード (6 digits with check digit)."

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="全国地方公共団体コード, e.g. 113859")
        parser.add_argument("--name", required=True, help="団体名, e.g. 上里町")
        parser.add_argument("--kind", choices=Organization.Kind.values, default=Organization.Kind.MUNICIPALITY)
        parser.add_argument("--prefecture", help="the code of its prefecture, already registered")
        parser.add_argument("--population", type=int)
        parser.add_argument("--admin-username", help="also create the first admin (see invite_admin)")
        parser.add_argument("--admin-email", help="mail the first admin's one-time link here")

    def handle(self, *args, code, name, kind, prefecture, population, admin_username=None, admin_email=None, **options):
        parent = None
        if prefecture:
            parent = Organization.objects.filter(local_government_code=prefecture, kind="prefecture").first()
            if parent is None:
                raise CommandError(f"都道府県 {prefecture} は登録されていません。先に登録してください。")
        if Organization.objects.filter(local_government_code=code).exists():
            raise CommandError(f"全国地方公共団体コード {code} の団体はすでに登録されています。")
        try:
            organization = organization_create(
                actor=system_actor(None),
                kind=kind,
                local_government_code=code,
                name=name,
                prefecture=parent,
                population=population,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"{organization.name} ({code}) を登録しました。"))
        if admin_username or admin_email:
            from .invite_admin import invite_admin

            username = admin_username or admin_email
            url = invite_admin(organization, username=username, email=admin_email or "")
            self.stdout.write(f"管理者 {username} のパスワード設定のリンク（一度だけ使えます）: {url}")
