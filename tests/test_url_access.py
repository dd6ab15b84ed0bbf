"""Every URL of the app, as every role, on this town's objects and on another town's.

A new URL pattern without an entry in CASES fails `test_every_url_pattern_has_a_case`, so no
page can be added without its access tests.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from suishin.core.models import AuditLog, Job
from suishin.plans.models import Goal, Measure, Plan, PlanRevision, PriorityArea, RoadmapEntry
from suishin.plans.tests.factories import decided_revision

ROLES = ["admin", "secretariat", "committee", "department", "department2", "council", "staff"]
EVERYONE = set(ROLES)
SECRETARIAT = {"secretariat"}
# Not tenant data: the login pages, the language switch, and the user's own second-factor pages
# (tested in suishin/accounts/tests/test_mfa.py).
PUBLIC = {"login", "logout", "set_language", "accounts:mfa_setup", "accounts:mfa_verify", "favicon"}


@dataclass
class Case:
    kwargs: str | None  # which object the URL names: "plan", "goal", "area", "measure", "entry", "revision"
    get: set[str]  # roles that may GET
    post: set[str]  # roles that may POST
    own_measure: bool = False  # the measure (or its entry) belongs to the "department" user's department


CASES = {
    "home": Case(None, EVERYONE, set()),
    "audit_log": Case(None, {"admin"}, set()),
    "choose_organization": Case(None, set(), EVERYONE),  # POST only; another town: test_organization_choice
    "job_detail": Case("job", SECRETARIAT, set()),  # and the job's owner: suishin/portal/tests/test_job_detail.py
    "plans:plan_list": Case(None, EVERYONE, set()),
    "plans:plan_create": Case(None, SECRETARIAT, SECRETARIAT),
    "plans:plan_detail": Case("plan", EVERYONE, set()),
    "plans:plan_edit": Case("plan", SECRETARIAT, SECRETARIAT),
    "plans:goal_create": Case("plan", SECRETARIAT, SECRETARIAT),
    "plans:goal_edit": Case("goal", SECRETARIAT, SECRETARIAT),
    "plans:goal_delete": Case("goal", SECRETARIAT, SECRETARIAT),
    "plans:area_create": Case("plan", SECRETARIAT, SECRETARIAT),
    "plans:area_edit": Case("area", SECRETARIAT, SECRETARIAT),
    "plans:area_delete": Case("area", SECRETARIAT, SECRETARIAT),
    "plans:measure_list": Case("plan", EVERYONE, set()),
    "plans:measure_create": Case("plan", SECRETARIAT, SECRETARIAT),
    "plans:measure_detail": Case("measure", EVERYONE, set()),
    "plans:measure_edit": Case("measure", {"secretariat", "department"}, {"secretariat", "department"}, True),
    "plans:measure_delete": Case("measure", SECRETARIAT, SECRETARIAT, True),
    "plans:roadmap_entry_create": Case("measure", {"secretariat", "department"}, {"secretariat", "department"}, True),
    "plans:roadmap_entry_edit": Case("entry", {"secretariat", "department"}, {"secretariat", "department"}, True),
    "plans:roadmap_entry_delete": Case("entry", {"secretariat", "department"}, {"secretariat", "department"}, True),
    "plans:roadmap": Case("plan", EVERYONE, set()),
    "plans:roadmap_export": Case("plan", EVERYONE, set()),
    "plans:roadmap_pdf": Case("plan", EVERYONE, set()),
    "plans:roadmap_import": Case("plan", SECRETARIAT, SECRETARIAT),
    "plans:revision_list": Case("plan", EVERYONE, set()),
    "plans:revision_create": Case("plan", SECRETARIAT, SECRETARIAT),
    "plans:revision_edit": Case("revision", SECRETARIAT, SECRETARIAT),
    # POST only: the actions on a decided revision (再開) are the secretariat's.
    "plans:revision_transition": Case("revision", set(), SECRETARIAT),
    "plans:revision_compare": Case("plan", EVERYONE, set()),
    "plans:revision_detail": Case("revision", EVERYONE, set()),
    # Each user's own notices; another user's or town's notice: suishin/notices/tests/test_views.py.
    "notices:notice_list": Case(None, EVERYONE, set()),
    "notices:notice_mark_read": Case(None, set(), EVERYONE),  # the notice id is in the POST body
    "notices:notice_mark_all_read": Case(None, set(), EVERYONE),
    "notices:mail_preferences": Case(None, EVERYONE, EVERYONE),
}


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


def objects_of(town, plan):
    own_department = town.departments[1]
    measure = Measure.objects.filter(plan=plan, ownerships__department=own_department).first()
    other_measure = Measure.objects.filter(plan=plan).exclude(ownerships__department=own_department).first()
    revision = plan.revisions.first() or decided_revision(town, plan, dt.date(2023, 4, 1))
    job = Job.objects.filter(organization=town.organization).first() or Job.objects.create(
        organization=town.organization, kind="roadmap_import", title="取込み", target_id=plan.pk
    )
    return {
        "job": {"job_id": job.pk},
        "plan": {"plan_id": plan.pk},
        "goal": {"goal_id": plan.goals.first().pk},
        "area": {"area_id": plan.priority_areas.last().pk},
        "measure": {"measure_id": measure.pk},
        "other_measure": {"measure_id": other_measure.pk},
        "entry": {"entry_id": measure.roadmap_entries.first().pk},
        "other_entry": {"entry_id": other_measure.roadmap_entries.first().pk},
        "revision": {"revision_id": revision.pk},
    }


def row_counts():
    return [model.objects.count() for model in (Plan, Goal, PriorityArea, Measure, RoadmapEntry, PlanRevision)]


def build_url(name, case, objects, own=True):
    if case.kwargs is None:
        return reverse(name)
    key = case.kwargs
    if not own and key in ("measure", "entry"):
        key = f"other_{key}"
    return reverse(name, kwargs=objects[key])


@pytest.mark.parametrize("name", sorted(CASES))
def test_anonymous_is_sent_to_login(client, plan, cast, name):
    url = build_url(name, CASES[name], objects_of(cast.town, plan))
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c.kwargs))
@pytest.mark.parametrize("role", ROLES)
def test_another_towns_objects_are_404(client, cast, plan, other_plan, name, role):
    """A user of one town asking for the other town's object gets 404, for GET and POST alike."""
    url = build_url(name, CASES[name], objects_of(cast.other, other_plan))
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
    objects = objects_of(cast.town, plan)
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


@pytest.mark.parametrize(
    "name", sorted(n for n, c in CASES.items() if c.own_measure and c.kwargs in ("measure", "entry"))
)
def test_department_user_cannot_touch_another_departments_measure(client, cast, plan, name):
    case = CASES[name]
    url = build_url(name, case, objects_of(cast.town, plan), own=False)
    client.force_login(cast.town.users["department"])
    assert client.post(url, {"title": "書き換え"}).status_code == 403
    assert not Measure.objects.filter(title="書き換え").exists()
