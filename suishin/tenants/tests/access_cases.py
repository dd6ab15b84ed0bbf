"""The organization's administration pages in the access matrix."""

from suishin.core.access_matrix import EVERYONE, Case
from suishin.tenants.models import Department, Membership

CASES = {
    "audit_log": Case(None, {"admin"}, set()),
    # POST only; choosing another town: suishin/tenants/tests/test_organization_choice.py.
    "choose_organization": Case(None, set(), EVERYONE),
}

WATCHED = [Department, Membership]


def objects_of(town) -> dict:
    return {}
