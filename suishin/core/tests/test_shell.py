"""The page shell: the user's label in the header, and the icon every browser asks for."""

import re

from django.urls import reverse


def header_label(client) -> str:
    content = client.get(reverse("plans:plan_list")).content.decode()
    return re.search(r'<span class="site-user__name">([^<]*)</span>', content).group(1)


def test_a_name_that_already_says_the_role_is_not_followed_by_it_again(client, cast):
    user = cast.town.users["secretariat"]
    user.first_name, user.last_name = "事務局（総合政策課）", ""
    user.save()
    client.force_login(user)
    assert header_label(client) == "事務局（総合政策課）"


def test_a_personal_name_is_followed_by_the_role(client, cast):
    user = cast.town.users["secretariat"]
    user.first_name, user.last_name = "太郎", "山田"
    user.save()
    client.force_login(user)
    assert header_label(client) == "太郎 山田（事務局）"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert header_label(client) == "太郎 山田 (Secretariat)"


def test_favicon_ico_is_served_to_anyone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    assert "max-age" in response["Cache-Control"]


def test_pages_link_the_icon_from_static(client):
    content = client.get(reverse("login")).content.decode()
    hrefs = re.findall(r'<link rel="icon" href="([^"]+)"', content)
    assert any(h.endswith("favicon.svg") for h in hrefs) and any(h.endswith("favicon.ico") for h in hrefs)
    for href in hrefs:
        response = client.get(href)
        assert response.status_code == 200, href
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body, href
