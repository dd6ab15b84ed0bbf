"""Production settings: PostgreSQL from `DATABASE_URL`, secrets from the environment."""

import os

from config.env import env_bool, env_list
from config.settings import production_values

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

globals().update(production_values())
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if env_bool("SUISHIN_PLAIN_HTTP"):
    # Only for `make serve` on loopback (and the benchmark): no TLS in front, so no HTTPS-only cookies.
    SECURE_SSL_REDIRECT = SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
    SECURE_HSTS_SECONDS = 0

if env_bool("SUISHIN_QUERY_STATS"):
    # The benchmark reads each response's query count and SQL time from its headers.
    MIDDLEWARE = ["suishin.core.query_stats.QueryStatsMiddleware", *MIDDLEWARE]  # noqa: F405
CSRF_COOKIE_HTTPONLY = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}  # noqa: F405

# Mail of notices and reminders through the town's mail server (on LGWAN, its relay), e.g.
# EMAIL_HOST=mail.town.lg.jp EMAIL_PORT=587 EMAIL_USE_TLS=1; see docs/deploy.md, "Mail".
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "suishin@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SUISHIN_BASE_URL = os.environ.get("SUISHIN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS else "")
