"""A new capability app plugs in with one INSTALLED_APPS line (tests/sample_capability, added in
config/settings/test.py): its pages, menu, home section, to-dos, access cases, demo data, department
links and migrations are all picked up from what it registers, with no edit to a shared file."""

import pathlib
import subprocess

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from suishin.core import registry
from tests.sample_capability.models import SampleItem

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_nothing_outside_the_app_names_it_but_the_settings_line():
    """Code, that is: the documentation may point at it as the example."""
    command = ["git", "grep", "-l", "sample_capability", "--", ".", ":!tests/sample_capability", ":!docs"]
    command.append(":!tests/test_new_app.py")
    found = subprocess.run(command, cwd=ROOT, capture_output=True, text=True).stdout.split()  # noqa: S603
    assert found == ["config/settings/test.py"]


def test_its_pages_are_mounted_and_in_the_access_matrix():
    from tests.test_url_access import CASES

    assert reverse("sample_capability:item_list") == "/sample/"
    assert {"sample_capability:item_list", "sample_capability:item_detail"} <= CASES.keys()


def test_its_menu_entry_home_section_and_todos_show(client, cast):
    client.force_login(cast.town.users["council"])  # its to-do provider gives the council something to do
    page = client.get(reverse("home")).content.decode()
    assert 'href="/sample/"' in page  # the menu entry and the to-do link
    assert "試験用の機能のお知らせ" in page
    assert "試験用の作業" in page


def test_another_towns_item_is_not_found(client, cast):
    item = SampleItem.objects.create(
        organization=cast.other.organization, department=cast.other.departments[0], title="x"
    )
    client.force_login(cast.town.users["staff"])
    assert client.get(reverse("sample_capability:item_detail", args=[item.pk])).status_code == 404


def test_its_links_to_department_rows_are_guarded_by_the_database(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        SampleItem.objects.create(organization=cast.town.organization, department=cast.other.departments[0], title="x")


def test_it_registered_its_department_owned_rows_and_demo_seeder(db):
    assert "sample_capability.SampleItem" in {kind.model for kind in registry.department_owned}
    from suishin.demo.management.commands.load_demo import load_demo

    town = load_demo()
    assert SampleItem.objects.filter(organization=town, title="デモの項目").exists()
