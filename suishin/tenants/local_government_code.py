"""全国地方公共団体コード: 2-digit prefecture + 3-digit municipality + check digit."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def check_digit(first_five: str) -> int:
    """Return the check digit of the five-digit code `first_five`."""
    total = sum(weight * int(digit) for weight, digit in zip((6, 5, 4, 3, 2), first_five, strict=True))
    return (11 - total % 11) % 10


def is_valid_local_government_code(code: str) -> bool:
    """Return whether `code` is six digits with a correct check digit and a real prefecture number."""
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return False
    if not 1 <= int(code[:2]) <= 47:
        return False
    return check_digit(code[:5]) == int(code[5])


def validate_local_government_code(code: str) -> None:
    """Raise ValidationError unless `code` is a valid 全国地方公共団体コード."""
    if not is_valid_local_government_code(code):
        raise ValidationError(
            _("全国地方公共団体コード「%(code)s」が正しくありません（6桁・検査数字付き）。") % {"code": code},
            code="invalid_local_government_code",
        )


def prefecture_code(number: int) -> str:
    """Return the six-digit code of prefecture `number` (1–47), e.g. 130001 for 13."""
    first_five = f"{number:02d}000"
    return f"{first_five}{check_digit(first_five)}"
