from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "suishin.tenants"
    label = "tenants"
    verbose_name = "団体・組織"

    def ready(self) -> None:
        from suishin.core.registry import MenuEntry, register_access_cases, register_menu_entry, register_urls

        register_urls("", "suishin.tenants.urls")
        register_access_cases("suishin.tenants.tests.access_cases")

        from .models import Role

        register_menu_entry(MenuEntry(_("監査ログ"), "audit_log", roles=(Role.ADMIN,), order=90))

        from . import admin_setup

        admin_setup.register()

        from suishin.core.registry import register_job_actor
        from suishin.core.service import after_write_hooks

        from . import audit_events  # noqa: F401  (names the audit log's events of this app)
        from .actor import job_actor
        from .content_version import content_changed

        register_job_actor(job_actor)

        from . import password_change  # noqa: F401  (marks a log-in with a temporary password)

        if content_changed not in after_write_hooks:
            after_write_hooks.append(content_changed)

        from django.db.models.signals import post_migrate, pre_migrate

        from .link_guards import after_migrate, before_migrate

        pre_migrate.connect(before_migrate, dispatch_uid="suishin.link_guards.drop")
        post_migrate.connect(after_migrate, dispatch_uid="suishin.link_guards.create")
