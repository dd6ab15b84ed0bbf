"""A capability app used only by the tests: it shows that an app plugs into Suishin with nothing but
its INSTALLED_APPS line (config/settings/test.py), registering everything else from ready()."""

from django.apps import AppConfig


class SampleCapabilityConfig(AppConfig):
    name = "tests.sample_capability"
    label = "sample_capability"
    verbose_name = "試験用の機能"

    def ready(self) -> None:
        from suishin.core import registry

        from .views import sample_todos

        registry.register_urls("sample/", "tests.sample_capability.urls")
        registry.register_access_cases("tests.sample_capability.tests.access_cases")
        registry.register_menu_entry(registry.MenuEntry("試験用の機能", "sample_capability:item_list", order=95))
        registry.register_home_section(registry.HomeSection("sample_capability/_home.html", lambda actor: {}, order=95))
        registry.register_todo_provider(sample_todos)
        registry.register_demo_seeder(registry.Seeder("sample_capability", seed_demo, order=95))
        registry.register_department_owned(
            registry.DepartmentOwned(
                "sample_capability.SampleItem",
                "department",
                "試験用の項目",
                sample_items_of,
            )
        )


def seed_demo(context) -> None:
    from .models import SampleItem

    SampleItem.objects.create(
        organization=context.organization, department=next(iter(context.departments.values())), title="デモの項目"
    )


def sample_items_of(organization_id: int):
    from .models import SampleItem

    return SampleItem.objects.for_organization(organization_id)
