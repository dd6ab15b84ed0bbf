"""A new town's first admin gets a one-time link from the command line."""

import io
import re

from django.core import mail
from django.core.management import call_command
from django.test import Client

from suishin.tenants.models import Membership, Organization, Role
from suishin.tenants.tests.factories import code_for


def test_create_organization_with_an_admin_mails_a_link_that_sets_the_password(db):
    out = io.StringIO()
    call_command(
        "create_organization",
        code=code_for(11, 383),
        name="神川町",
        admin_email="admin@kamikawa.example.jp",
        stdout=out,
    )
    town = Organization.objects.get(name="神川町")
    membership = Membership.objects.get(organization=town)
    assert membership.role == Role.ADMIN and membership.user.username == "admin@kamikawa.example.jp"
    url = re.search(r"(http://\S+/account/password/\S+/)", out.getvalue()).group(1)
    assert url in mail.outbox[0].body
    path = url.split("8000", 1)[1]
    client = Client()
    page = client.get(path, follow=True)
    assert "パスワードを設定する" in page.content.decode()
    client.post(page.redirect_chain[-1][0], {"new_password1": "first-admin-pass", "new_password2": "first-admin-pass"})
    membership.user.refresh_from_db()
    assert membership.user.check_password("first-admin-pass")


def test_invite_admin_prints_the_link(cast):
    out = io.StringIO()
    call_command(
        "invite_admin", organization=cast.town.organization.local_government_code, username="first", stdout=out
    )
    assert "/account/password/" in out.getvalue()
    assert Membership.objects.filter(user__username="first", role=Role.ADMIN).exists()
