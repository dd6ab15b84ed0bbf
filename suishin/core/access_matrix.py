"""What an app declares for the access matrix test (tests/test_url_access.py): for each of its URL
names, which object the URL names and which roles may GET and POST it.

An app registers the module holding its cases from AppConfig.ready()
(`register_access_cases("suishin.<app>.tests.access_cases")`); that module defines

- `CASES`: URL name -> Case;
- `objects_of(town) -> dict`: for each object key its cases use, the URL kwargs of such an object
  of `town` (made if the town has none), and `"other_<key>"` for one its "department" user does not own;
- `WATCHED`: the models whose row counts must not change when a write is refused.

Every URL pattern of the project needs a case, so a new page cannot land without its access tests,
and a new app's pages are covered without editing the test.
"""

from dataclasses import dataclass

ROLES = ("admin", "secretariat", "committee", "department", "department2", "council", "staff")
EVERYONE = frozenset(ROLES)
SECRETARIAT = frozenset({"secretariat"})


@dataclass(frozen=True)
class Case:
    kwargs: str | None  # which object the URL names (a key of objects_of), or None
    get: frozenset[str] | set[str]  # roles that may GET
    post: frozenset[str] | set[str]  # roles that may POST
    # The object belongs to the "department" user's department; "other_<kwargs>" is one it does not.
    owned_by_department: bool = False
