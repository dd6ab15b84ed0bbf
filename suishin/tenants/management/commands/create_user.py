"""Create a login for a person of an organization with one role."""

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from suishin.tenants.models import Department, Organization, Role
from suishin.tenants.services import system_actor, user_create_with_role


class Command(BaseCommand):
    help = "Create a user with a role in an organization (the password is asked, or read from standard input)."

    def add_arguments(self, parser):
        parser.add_argument("--organization", required=True, help="全国地方公共団体コード")
        parser.add_argument("--username", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--department", help="組織コード (required for the department role)")
        parser.add_argument("--name", default="", help="the person's name as shown in the header")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    def handle(self, *args, organization, username, role, department, name, password_stdin, **options):
        org = Organization.objects.filter(local_government_code=organization).first()
        if org is None:
            raise CommandError(f"団体 {organization} は登録されていません。")
        if get_user_model().objects.filter(username=username).exists():
            raise CommandError(f"ユーザー名「{username}」はすでに使われています。")
        dept = None
        if department:
            dept = Department.objects.for_organization(org).filter(code=department).first()
            if dept is None:
                raise CommandError(f"組織コード「{department}」はこの団体にありません。")
        elif role == Role.DEPARTMENT:
            raise CommandError("担当課の役割には --department が必要です。")
        password = sys.stdin.readline().rstrip("\n") if password_stdin else self._ask_password()
        try:
            validate_password(password, get_user_model()(username=username, first_name=name))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user_create_with_role(
            actor=system_actor(org),
            organization=org,
            username=username,
            password=password,
            role=role,
            department=dept,
            full_name=name,
        )
        self.stdout.write(self.style.SUCCESS(f"{username} を {org.name} の{Role(role).label}として登録しました。"))

    def _ask_password(self) -> str:
        first = getpass.getpass("パスワード: ")
        if first != getpass.getpass("パスワード（確認）: "):
            raise CommandError("パスワードが一致しません。")
        return first
