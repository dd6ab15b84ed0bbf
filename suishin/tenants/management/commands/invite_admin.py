"""Give a new town its first admin: a login without a password and a one-time link to set it.

The link is printed (and mailed when --email is given). The admin then logs in, enrols a second
factor, and follows the home page's checklist (departments → staff → users → plan).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from suishin.tenants.invitations import mail_password_link
from suishin.tenants.models import Organization, Role
from suishin.tenants.services import password_link, system_actor, user_create


def invite_admin(organization: Organization, *, username: str, email: str = "", name: str = "") -> str:
    """Create the admin login of `organization`; return the one-time link (mailed if there is an address)."""
    if get_user_model().objects.filter(username__iexact=username).exists():
        raise CommandError(f"ユーザー名「{username}」はすでに使われています。")
    try:
        user = user_create(
            actor=system_actor(organization),
            organization=organization,
            username=username,
            full_name=name or "管理者",
            email=email,
            roles={Role.ADMIN},
        )
    except ValidationError as error:
        raise CommandError(" ".join(error.messages)) from None
    url = settings.SUISHIN_BASE_URL.rstrip("/") + password_link(user)
    mail_password_link(user, url, organization=organization)
    return url


class Command(BaseCommand):
    help = "Create the first admin of an organization and print (and mail) the one-time link to set a password."

    def add_arguments(self, parser):
        parser.add_argument("--organization", required=True, help="全国地方公共団体コード")
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", default="", help="where to mail the link")
        parser.add_argument("--name", default="", help="the person's name")

    def handle(self, *args, organization, username, email, name, **options):
        org = Organization.objects.filter(local_government_code=organization).first()
        if org is None:
            raise CommandError(f"団体 {organization} は登録されていません。")
        url = invite_admin(org, username=username, email=email, name=name)
        self.stdout.write(self.style.SUCCESS(f"{org.name} の管理者 {username} を登録しました。"))
        if email:
            self.stdout.write(f"パスワード設定のリンクを {email} に送りました。")
        self.stdout.write(f"パスワード設定のリンク（一度だけ使えます）: {url}")
