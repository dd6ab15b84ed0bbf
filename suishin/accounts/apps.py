from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "suishin.accounts"
    label = "accounts"
    verbose_name = "ログイン・二要素認証"

    def ready(self) -> None:
        from suishin.accounts import auth_audit, signals  # noqa: F401  (connect the login and deactivation handlers)

        from . import audit_events  # noqa: F401  (names the audit log's log-in events)
