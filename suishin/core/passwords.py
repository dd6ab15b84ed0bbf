"""Password rules beyond Django's own validators."""

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MaximumLengthValidator:
    """Refuse passwords longer than `max_length` (64 characters are always accepted)."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                _("パスワードは%(max)d文字以内にしてください。") % {"max": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("パスワードは%(max)d文字以内です。") % {"max": self.max_length}


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's minimum: 19 MiB, 2 passes, 1 lane (about 20 ms a hash on one core).

    Django's defaults (100 MiB, 8 lanes) cost about 114 ms and 100 MB a log-in on two cores, so 300
    staff arriving at once queue for half a minute. The algorithm name stays ``argon2``: hashes made with
    the old parameters still verify, and ``must_update`` sees the different parameters and rehashes
    the password at the next log-in.
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
