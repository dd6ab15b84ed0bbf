"""A user who belongs to two organizations chooses, in the session, which one they act in."""

import pytest
from django.urls import reverse

from suishin.core.models import AuditLog
from suishin.plans.tests.factories import make_plan
from suishin.tenants.models import Membership, Role


@pytest.fixture
def seconded(cast):
    """The prefecture's officer, seconded to the town as its secretariat."""
    user = cast.town.users["secretariat"]
    Membership.objects.create(organization=cast.prefecture, user=user, role=Role.STAFF)
    return user


def test_the_header_offers_the_choice_and_the_choice_holds(client, cast, seconded):
    town_plan = make_plan(cast.town)
    client.force_login(seconded)
    html = client.get(reverse("home")).content.decode()
    assert 'name="organization"' in html and cast.prefecture.name in html

    response = client.post(reverse("choose_organization"), {"organization": cast.prefecture.pk})
    assert response.status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert f'<span class="site-org">{cast.prefecture.name}</span>' in html
    # Acting in the prefecture, the town's plan is another organization's: not found.
    assert client.get(town_plan.get_absolute_url()).status_code == 404
    assert AuditLog.objects.filter(verb="organization.choose", organization=cast.prefecture).exists()

    client.post(reverse("choose_organization"), {"organization": cast.town.organization.pk})
    assert client.get(town_plan.get_absolute_url()).status_code == 200


def test_an_organization_the_user_is_not_in_cannot_be_chosen(client, cast, seconded):
    client.force_login(seconded)
    client.post(reverse("choose_organization"), {"organization": cast.town.organization.pk})
    assert client.post(reverse("choose_organization"), {"organization": cast.other.organization.pk}).status_code == 404
    assert client.post(reverse("choose_organization"), {"organization": "x"}).status_code == 400
    html = client.get(reverse("home")).content.decode()
    assert f'<span class="site-org">{cast.town.organization.name}</span>' in html


def test_a_choice_that_is_no_longer_valid_falls_back_to_the_users_organization(client, cast, seconded):
    client.force_login(seconded)
    client.post(reverse("choose_organization"), {"organization": cast.prefecture.pk})
    Membership.objects.filter(user=seconded, organization=cast.prefecture).delete()
    html = client.get(reverse("home")).content.decode()
    assert f'<span class="site-org">{cast.town.organization.name}</span>' in html


def test_a_user_of_one_organization_sees_no_choice(client, cast):
    client.force_login(cast.town.users["staff"])
    assert 'name="organization"' not in client.get(reverse("home")).content.decode()
