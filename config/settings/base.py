"""Settings shared by every environment."""

from pathlib import Path

from config.env import database_from_env

BASE_DIR = Path(__file__).resolve().parent.parent.parent

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "suishin.core",
    "suishin.accounts",
    "suishin.tenants",
    "suishin.staff",
    "suishin.workflows",
    "suishin.plans",
    "suishin.reorganisation",
    "suishin.notices",
    "suishin.portal",
    "suishin.demo",
    "django_tasks",
    "django_tasks_db",
]

# Background work (imports, later exports and reminder mail). Tests and `make run` run tasks at once;
# production queues them in the database for `manage.py db_worker`.
# Two queues: uploads above suishin.core.jobs.LARGE_JOB_BYTES go to "large", served by a worker of its
# own, so an ordinary job never waits behind a heavy one (bin/serve runs one worker per queue).
TASK_QUEUES = ["default", "large"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": TASK_QUEUES}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "suishin.core.db_unavailable.DatabaseUnavailableMiddleware",
    "suishin.core.request_context.RequestContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "suishin.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "suishin.core.sessions.AbsoluteSessionTimeoutMiddleware",
    "suishin.tenants.middleware.OrganizationMiddleware",
    "suishin.accounts.middleware.MFARequiredMiddleware",
    "suishin.tenants.password_change.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "suishin.core.middleware.NoStoreForLoggedInMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "suishin.tenants.context_processors.organization",
                "suishin.core.context_processors.shell",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,
        "OPTIONS": {"environment": "config.jinja2.environment"},
    },
]

DATABASES = {"default": database_from_env(str(BASE_DIR / "db.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# "fragments": rendered parts of pages kept in each worker's memory, keyed so that a change is
# never hidden (see suishin/plans/fragments.py). About 100 KB an entry.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": 100},
    },
}

PASSWORD_HASHERS = [
    # Argon2id at OWASP's minimum; same algorithm name as Django's, whose hashes it verifies and upgrades.
    "suishin.core.passwords.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "suishin.core.passwords.MaximumLengthValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Repeated failures for one username from one address lock that pair out for a while (logged).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False

# A temporary password an admin issues logs in for 7 days; after that it is refused like a wrong one
# (the admin issues another). Seconds, as PASSWORD_RESET_TIMEOUT.
TEMPORARY_PASSWORD_TIMEOUT = 7 * 24 * 60 * 60

# Roles that must confirm a second factor (TOTP or a backup code) after the password.
MFA_REQUIRED_ROLES = ["admin"]
OTP_TOTP_ISSUER = "Suishin"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after 30 idle minutes: activity renews the expiry, at most once a minute
# (see suishin/core/sessions.py), so that reading a page does not write to the database every time.
SESSION_COOKIE_AGE = 30 * 60
SESSION_RENEW_AFTER = 60
# However active, a session ends 10 hours after login (one working day).
SESSION_ABSOLUTE_AGE = 10 * 60 * 60
LOGIN_URL_PATH = "/login/"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Mail (notices and reminders): printed to the console unless production sets SMTP (production.py).
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "suishin@localhost"
# Where the app is reached, for the links in mail (a mail reader has no page to be relative to).
SUISHIN_BASE_URL = "http://127.0.0.1:8000"

LANGUAGE_CODE = "ja"
# Each language is named in itself, as language switches usually are.
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "media"

# Uploads: spreadsheets are small; anything bigger is refused before parsing.
UPLOAD_MAX_BYTES = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Every asset comes from this host: LGWAN has no internet.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
