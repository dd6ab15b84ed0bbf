"""Every page works on a closed network (LGWAN): nothing is loaded from another host."""

import re

import pytest
from django.urls import reverse

from tests.test_url_access import CASES, build_url, objects_of

EXTERNAL = re.compile(r"""(?:src|href|action|srcset)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//""", re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*['\"]?(?:[a-z]+:)?//", re.IGNORECASE)


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if "secretariat" in c.get))
def test_page_references_no_other_host(client, cast, plan, name):
    client.force_login(cast.town.users["secretariat"])
    response = client.get(build_url(name, CASES[name], objects_of(cast.town)))
    assert response.status_code == 200
    if response["Content-Type"].startswith("text/html"):
        html = response.content.decode()
        assert not EXTERNAL.search(html), EXTERNAL.search(html).group(0)
        assert "@import" not in html


def test_login_page_references_no_other_host(client):
    html = client.get(reverse("login")).content.decode()
    assert not EXTERNAL.search(html)


def test_static_css_and_js_reference_no_other_host():
    from django.contrib.staticfiles import finders

    for path in ("suishin/css/tokens.css", "suishin/css/app.css"):
        text = open(finders.find(path), encoding="utf-8").read()
        assert not CSS_URL.search(text), path
        assert "@import" not in text, path


def test_every_response_carries_the_security_headers(client, cast, plan):
    client.force_login(cast.town.users["secretariat"])
    response = client.get(reverse("plans:plan_detail", args=[plan.pk]))
    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Frame-Options"] == "DENY"


def test_production_settings_send_hsts_for_a_year(client, cast, settings):
    from config.settings import production_values

    for name, value in production_values().items():
        setattr(settings, name, value)
    client.force_login(cast.town.users["staff"])
    response = client.get(reverse("home"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert client.get(reverse("home"), secure=False).status_code == 301
