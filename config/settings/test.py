"""Settings for the test suite: SQLite by default, PostgreSQL from `DATABASE_URL`."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# A capability app that exists only for the tests: it plugs in with this one line and registers the
# rest itself (tests/test_new_app.py shows that nothing else had to change).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.sample_capability"]  # noqa: F405
WHITENOISE_USE_FINDERS = True
