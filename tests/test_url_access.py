"""Every URL of the app, as every role, on this town's objects and on another town's.

A new URL pattern without an entry in CASES fails `test_every_url_pattern_has_a_case`, so no
page can be added without its access tests.
"""

import importlib

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from suishin.core.access_matrix import ROLES
from suishin.core.models import AuditLog
from suishin.core.registry import access_case_modules

# Not tenant data: the login pages, the language switch, and the user's own second-factor pages
# (tested in suishin/accounts/tests/test_mfa.py); apps add theirs as PUBLIC in their case modules.
PUBLIC = {"login", "logout", "set_language", "accounts:mfa_setup", "accounts:mfa_verify", "favicon"}

MODULES = [importlib.import_module(name) for name in access_case_modules]
CASES = {name: case for module in MODULES for name, case in module.CASES.items()}
PUBLIC |= {name for module in MODULES for name in getattr(module, "PUBLIC", set())}
WATCHED = [model for module in MODULES for model in module.WATCHED]


def test_cases_come_from_every_app_that_has_pages():
    assert {"suishin.plans.tests.access_cases", "suishin.portal.tests.access_cases"} <= set(access_case_modules)
    duplicated = [n for n in CASES if sum(n in m.CASES for m in MODULES) > 1]
    assert duplicated == []


def url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_pattern_has_a_case():
    names = set(url_names()) - PUBLIC
    assert names - CASES.keys() == set(), "URL patterns without access tests"
    assert CASES.keys() - names == set(), "access cases for URLs that no longer exist"


def objects_of(town) -> dict:
    objects = {}
    for module in MODULES:
        objects.update(module.objects_of(town))
    return objects


def row_counts():
    return [model.objects.count() for model in WATCHED]


def build_url(name, case, objects, own=True):
    if case.kwargs is None:
        return reverse(name)
    key = case.kwargs
    if not own:
        key = f"other_{key}"
    return reverse(name, kwargs=objects[key])


@pytest.mark.parametrize("name", sorted(CASES))
def test_anonymous_is_sent_to_login(client, plan, cast, name):
    url = build_url(name, CASES[name], objects_of(cast.town))
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c.kwargs))
@pytest.mark.parametrize("role", ROLES)
def test_another_towns_objects_are_404(client, cast, plan, other_plan, name, role):
    """A user of one town asking for the other town's object gets 404, for GET and POST alike."""
    url = build_url(name, CASES[name], objects_of(cast.other))
    client.force_login(cast.town.users[role])
    expected_get = 404 if CASES[name].get else 405  # POST-only views refuse GET before looking anything up
    assert client.get(url).status_code == expected_get
    expected_post = 404 if CASES[name].post else 405  # read-only pages refuse POST outright
    assert client.post(url, {"title": "x"}).status_code == expected_post


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(client, cast, plan, name, role):
    """Each role may GET and POST exactly what CASES says; a refusal is 403, recorded, and changes nothing."""
    case = CASES[name]
    objects = objects_of(cast.town)
    url = build_url(name, case, objects)
    client.force_login(cast.town.users[role])

    response = client.get(url)
    if role in case.get:
        assert response.status_code == 200
    else:
        assert response.status_code in (403, 405)

    counts_before = row_counts()
    denied_before = AuditLog.objects.filter(verb="authorization.denied").count()
    response = client.post(url, {})
    if role in case.post:
        assert response.status_code in (200, 302, 400)
    else:
        assert response.status_code == (405 if not case.post else 403)
        assert row_counts() == counts_before
        if response.status_code == 403:
            assert AuditLog.objects.filter(verb="authorization.denied").count() == denied_before + 1


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c.owned_by_department))
def test_department_user_cannot_touch_another_departments_object(client, cast, plan, name):
    case = CASES[name]
    url = build_url(name, case, objects_of(cast.town), own=False)
    client.force_login(cast.town.users["department"])
    counts = row_counts()
    assert client.post(url, {"title": "書き換え"}).status_code == 403
    assert row_counts() == counts
