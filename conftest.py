import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from suishin.plans.tests.factories import make_plan
from suishin.tenants.tests.factories import make_cast


@pytest.fixture(autouse=True)
def empty_caches():
    """Each test starts with empty caches: a rolled-back database may reuse ids a cached page saw."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture
def cast(db):
    """Two towns of one prefecture, each with a user per role."""
    return make_cast()


@pytest.fixture
def plan(cast):
    """A small plan of the first town."""
    return make_plan(cast.town)


@pytest.fixture
def other_plan(cast):
    """A plan of the other town."""
    return make_plan(cast.other)


class VerifiedClient(Client):
    """Test client whose `force_login` also counts the user's second factor as confirmed,
    as the real login flow does after a correct code (tests of that flow use the login form)."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


@pytest.fixture
def client():
    return VerifiedClient()
