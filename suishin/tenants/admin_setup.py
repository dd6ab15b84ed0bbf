"""What the tenants app's administration pages register (called from TenantsConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from suishin.core import registry


def register() -> None:
    from .models import Role

    registry.register_urls("admin/", "suishin.tenants.urls_admin")
    registry.register_urls("account/", "suishin.tenants.urls_account")
    registry.register_access_cases("suishin.tenants.tests.access_cases_admin")
    registry.register_menu_entry(
        registry.MenuEntry(
            _("管理：組織"), "tenants_admin:department_tree", roles=(Role.ADMIN, Role.SECRETARIAT), order=80
        )
    )
    registry.register_menu_entry(
        registry.MenuEntry(_("管理：ユーザー"), "tenants_admin:user_list", roles=(Role.ADMIN,), order=81)
    )
    registry.register_menu_entry(
        registry.MenuEntry(_("管理：団体の設定"), "tenants_admin:organization_settings", roles=(Role.ADMIN,), order=83)
    )
    registry.register_department_owned(
        registry.DepartmentOwned("tenants.Membership", "department", _("ユーザーの所属（担当課）"), memberships_of)
    )


def memberships_of(organization_id: int):
    """Every membership names its department as it is now: a merge or reorganisation moves them all."""
    from .models import Membership

    return Membership.objects.for_organization(organization_id).exclude(department=None)
