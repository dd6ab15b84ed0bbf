import pytest
from django.core.exceptions import ValidationError

from suishin.tenants.local_government_code import (
    check_digit,
    is_valid_local_government_code,
    prefecture_code,
    validate_local_government_code,
)
from suishin.tenants.models import Organization


@pytest.mark.parametrize("code", ["011002", "131032", "131041", "130001", "113859", "110001"])
def test_known_codes_are_valid(code):
    assert is_valid_local_government_code(code)


@pytest.mark.parametrize("code", ["011003", "13103", "1310410", "abcdef", "481002", "000000", "１３１０３２"])
def test_wrong_codes_are_refused(code):
    assert not is_valid_local_government_code(code)


def test_check_digit_and_prefecture_code():
    assert check_digit("13103") == 2
    assert prefecture_code(13) == "130001"


@pytest.mark.django_db
def test_organization_validates_its_code_with_a_japanese_message():
    organization = Organization(kind="municipality", local_government_code="113858", name="上里町")
    with pytest.raises(ValidationError) as error:
        organization.full_clean()
    assert "全国地方公共団体コード" in str(error.value)


def test_validator_passes_a_good_code():
    validate_local_government_code("113859")
