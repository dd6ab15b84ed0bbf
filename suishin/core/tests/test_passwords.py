"""Password hashing: Argon2id at OWASP's minimum, and old Django-default hashes upgraded at log-in."""

import pytest
from argon2 import Type, extract_parameters
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.urls import reverse

from config.settings import base
from suishin.tenants.tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def production_hashers(settings):
    """The test settings hash with MD5 for speed; these tests are about the real list."""
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS


def argon2_parameters(encoded: str):
    algorithm, rest = encoded.split("$", 1)
    assert algorithm == "argon2"
    return extract_parameters("$" + rest)


def test_new_hashes_are_argon2id_with_19_mib_2_passes_1_lane():
    parameters = argon2_parameters(make_password("長い合言葉でも大丈夫"))
    assert parameters.type is Type.ID
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (19 * 1024, 2, 1)


@pytest.mark.django_db
def test_a_hash_with_djangos_default_argon2_parameters_is_upgraded_at_log_in(client, cast):
    user = cast.town.users["secretariat"]
    user.password = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    user.save(update_fields=["password"])
    old = argon2_parameters(user.password)
    assert (old.memory_cost, old.parallelism) == (102400, 8)

    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    upgraded = argon2_parameters(user.password)
    assert (upgraded.type, upgraded.memory_cost, upgraded.time_cost, upgraded.parallelism) == (Type.ID, 19456, 2, 1)
    assert user.check_password(PASSWORD)
