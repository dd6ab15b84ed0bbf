"""The organization's administration pages (departments, users, settings) in the access matrix."""

from django.contrib.auth import get_user_model

from suishin.core.access_matrix import EVERYONE, Case
from suishin.tenants.models import Department, Membership, Organization, TemporaryPassword

ADMIN = {"admin"}
TREE = {"admin", "secretariat"}

CASES = {
    "tenants_admin:department_tree": Case(None, TREE, set()),
    "tenants_admin:department_new": Case(None, TREE, TREE),
    "tenants_admin:department_edit": Case("department", TREE, TREE),
    "tenants_admin:department_close": Case("department", TREE, TREE),
    "tenants_admin:department_reopen": Case("department", set(), TREE),
    "tenants_admin:department_merge": Case("department", TREE, TREE),
    "tenants_admin:user_list": Case(None, ADMIN, set()),
    "tenants_admin:user_new": Case(None, ADMIN, ADMIN),
    "tenants_admin:user_edit": Case("user", ADMIN, ADMIN),
    "tenants_admin:user_deactivate": Case("user", set(), ADMIN),
    "tenants_admin:user_reactivate": Case("user", set(), ADMIN),
    "tenants_admin:user_password_reset": Case("user", ADMIN, ADMIN),
    "tenants_admin:user_temporary_password": Case("user", ADMIN, set()),
    "tenants_admin:user_mfa_reset": Case("user", ADMIN, ADMIN),
    "tenants_admin:organization_settings": Case(None, ADMIN, ADMIN),
    # One's own password: every signed-in user (its tests: suishin/tenants/tests/test_temporary_password.py).
    "password_change": Case(None, EVERYONE, EVERYONE),
}
# The one-time link is opened before logging in; its tests: suishin/tenants/tests/test_views_admin.py.
PUBLIC = {"password_set"}

WATCHED = [Department, Membership, Organization, TemporaryPassword, get_user_model()]


def objects_of(town) -> dict:
    return {
        "department": {"department_id": town.departments[2].pk},
        "user": {"user_id": town.users["staff"].pk},
    }
