from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "suishin.tenants"
    label = "tenants"
    verbose_name = "団体・組織"
