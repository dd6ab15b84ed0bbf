"""The shared cast of the tests: two towns and a prefecture, each town with one user per role."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from suishin.tenants.actor import Actor, actor_for_user
from suishin.tenants.local_government_code import check_digit
from suishin.tenants.models import Department, Membership, Organization, Role

PASSWORD = "correct-horse-battery"


def code_for(prefecture: int, municipality: int) -> str:
    first_five = f"{prefecture:02d}{municipality:03d}"
    return f"{first_five}{check_digit(first_five)}"


@dataclass
class Town:
    organization: Organization
    departments: list[Department]
    users: dict[str, object] = field(default_factory=dict)

    def actor(self, name: str) -> Actor:
        return actor_for_user(self.users[name], self.organization.pk)


def make_town(name: str, code: str, prefecture: Organization | None, departments: int = 3) -> Town:
    organization = Organization.objects.create(
        kind=Organization.Kind.MUNICIPALITY, local_government_code=code, name=name, prefecture=prefecture
    )
    depts = [
        Department.objects.create(organization=organization, code=f"D{i:02d}", name=f"{name}第{i}課", position=i)
        for i in range(1, departments + 1)
    ]
    town = Town(organization, depts)
    roles = {
        "admin": (Role.ADMIN, None),
        "secretariat": (Role.SECRETARIAT, depts[0]),
        "committee": (Role.COMMITTEE, None),
        "department": (Role.DEPARTMENT, depts[1]),
        "department2": (Role.DEPARTMENT, depts[2]),
        "council": (Role.COUNCIL, None),
        "staff": (Role.STAFF, None),
    }
    for key, (role, department) in roles.items():
        user = get_user_model().objects.create_user(username=f"{code}-{key}", password=PASSWORD)
        Membership.objects.create(organization=organization, user=user, role=role, department=department)
        town.users[key] = user
        if role == Role.ADMIN:
            TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return town


@dataclass
class Cast:
    prefecture: Organization
    town: Town
    other: Town


def make_cast() -> Cast:
    prefecture = Organization.objects.create(
        kind=Organization.Kind.PREFECTURE, local_government_code=code_for(11, 0), name="埼玉県"
    )
    return Cast(
        prefecture=prefecture,
        town=make_town("上里町", "113859", prefecture),
        other=make_town("美里町", code_for(11, 381), prefecture),
    )
