import pytest
from django.test import Client, override_settings
from django.urls import path


def broken_view(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [path("boom/", broken_view)]
handler500 = "suishin.core.views.server_error"


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
@pytest.mark.django_db
def test_forced_exception_shows_a_generic_page_without_trace():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "システムで問題が起きました" in html
    assert "secret internal detail" not in html and "Traceback" not in html


@pytest.mark.django_db
def test_unknown_page_is_a_plain_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()
