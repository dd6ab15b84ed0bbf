from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReorganisationConfig(AppConfig):
    name = "suishin.reorganisation"
    label = "reorganisation"
    verbose_name = "組織改編"

    def ready(self) -> None:
        from suishin.core import registry
        from suishin.tenants.models import Role

        from . import audit_events  # noqa: F401  (names the audit log's events of this app)

        registry.register_urls("reorganisation/", "suishin.reorganisation.urls")
        registry.register_access_cases("suishin.reorganisation.tests.access_cases")
        registry.register_menu_entry(
            registry.MenuEntry(_("組織改編"), "reorganisation:list", roles=(Role.ADMIN, Role.SECRETARIAT), order=80)
        )
        # A department user's membership names their department: it follows the department's successor.
        # (The tenants app owns memberships; it may register them itself, and then this is skipped.)
        if "tenants.Membership" not in {kind.model for kind in registry.department_owned}:
            registry.register_department_owned(
                registry.DepartmentOwned("tenants.Membership", "department", _("ユーザーの所属課"), memberships_of)
            )


def memberships_of(organization_id: int):
    from suishin.tenants.models import Membership

    return Membership.objects.for_organization(organization_id).filter(department__isnull=False)
