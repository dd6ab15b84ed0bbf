"""Settings for a developer machine: `make run` (SQLite, DEBUG on)."""

import os

from config.env import env_list

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY", "local-development-only-key-not-for-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

# The demo logins of `make run` work with a password alone; production requires MFA for admins.
MFA_REQUIRED_ROLES: list[str] = []
