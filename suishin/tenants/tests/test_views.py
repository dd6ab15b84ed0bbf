from django.urls import reverse

from suishin.core.audit import audit_record


def test_admin_searches_only_their_own_organizations_audit_log(client, cast):
    audit_record(actor=cast.town.users["secretariat"], organization=cast.town.organization, verb="measure.update")
    audit_record(actor=cast.other.users["secretariat"], organization=cast.other.organization, verb="measure.update")
    client.force_login(cast.town.users["admin"])
    html = client.get(reverse("audit_log"), {"verb": "measure."}).content.decode()
    assert cast.town.users["secretariat"].username in html
    assert cast.other.users["secretariat"].username not in html
    response = client.get(reverse("audit_log"), {"since": "2024-05-02", "until": "2024-05-01"})
    assert "終了日は開始日以降にしてください" in response.content.decode()


def test_menu_shows_each_app_entry_to_the_roles_it_names(client, cast):
    client.force_login(cast.town.users["admin"])
    admin_page = client.get(reverse("home")).content.decode()
    client.force_login(cast.town.users["staff"])
    staff_page = client.get(reverse("home")).content.decode()
    for page in (admin_page, staff_page):
        assert f'href="{reverse("plans:plan_list")}"' in page
    assert f'href="{reverse("audit_log")}"' in admin_page
    assert f'href="{reverse("audit_log")}"' not in staff_page
