import pytest

from suishin.plans.tests.factories import make_plan
from suishin.tenants.tests.factories import make_cast


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
