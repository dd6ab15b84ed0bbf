from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "suishin.accounts"
    label = "accounts"
    verbose_name = "ログイン・二要素認証"

    def ready(self) -> None:
        from suishin.accounts import signals  # noqa: F401  (connects the deactivation handler)
