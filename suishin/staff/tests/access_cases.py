"""The staff register's pages in the access matrix."""

from suishin.core.access_matrix import Case
from suishin.staff.models import Person, Rank, StaffMove

READ = {"admin", "secretariat"}
EDIT = {"admin"}

CASES = {
    "staff:person_list": Case(None, READ, set()),
    "staff:headcount": Case(None, READ, set()),
    "staff:person_new": Case(None, EDIT, EDIT),
    "staff:staff_import": Case(None, EDIT, EDIT),
    "staff:staff_export": Case(None, READ, set()),
    "staff:staff_import_template": Case(None, EDIT, set()),
    "staff:person_detail": Case("person", READ, set()),
    "staff:person_edit": Case("person", EDIT, EDIT),
    "staff:person_login_new": Case("person", EDIT, EDIT),
    "staff:person_user_link": Case("person", EDIT, EDIT),
    "staff:person_user_unlink": Case("person", set(), EDIT),
    "staff:rank_list": Case(None, READ, set()),
    "staff:rank_new": Case(None, EDIT, EDIT),
    "staff:rank_defaults": Case(None, set(), EDIT),
    "staff:rank_edit": Case("rank", EDIT, EDIT),
    "staff:rank_order": Case("rank", set(), EDIT),
    "staff:rank_delete": Case("rank", EDIT, EDIT),
}

WATCHED = [Person, Rank, StaffMove]


def objects_of(town) -> dict:
    """A person of `town` with a rank and a move (so every link of the register has a row to test)."""
    person = Person.objects.for_organization(town.organization).filter(user=None).first()
    if person is None:
        rank = Rank.objects.for_organization(town.organization).first() or Rank.objects.create(
            organization=town.organization, name="主事", level=10
        )
        person = Person.objects.create(
            organization=town.organization,
            name=f"{town.organization.name} 職員",
            staff_number="90001",
            department=town.departments[1],
            rank=rank,
        )
        StaffMove.objects.create(
            organization=town.organization,
            person=person,
            moved_on=person.created_at.date(),
            department=person.department,
            rank=rank,
        )
    # The person's rank: held, so that a refused delete (or the admin's, refused too) leaves it in place.
    rank_id = person.rank_id or Rank.objects.for_organization(town.organization).values_list("pk", flat=True)[0]
    return {"person": {"person_id": person.pk}, "rank": {"rank_id": rank_id}}
