import pytest
from django.urls import reverse

RANGE = "は1926-12-25から2201-03-31までの日付を入力してください"


@pytest.fixture
def admin(client, cast):
    client.force_login(cast.town.users["admin"])
    return client


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"since": "0001-01-01"}, f"「開始日」{RANGE}（入力：0001-01-01）。"),
        ({"until": "0001-01-01"}, f"「終了日」{RANGE}（入力：0001-01-01）。"),
        ({"until": "9999-12-31"}, f"「終了日」{RANGE}（入力：9999-12-31）。"),
        ({"since": "2024-13-01"}, "「開始日」の「2024-13-01」は日付として読めません。"),
        ({"since": "昨日"}, "「開始日」の「昨日」は日付として読めません。"),
    ],
)
def test_audit_log_date_filter_refuses_bad_dates_with_a_message_naming_the_field(admin, query, message):
    """/audit-log/?since=0001-01-01 was a 500 (OverflowError); now it is the page with a message."""
    response = admin.get(reverse("audit_log"), query)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_audit_log_date_filter_accepts_the_first_and_last_dates(admin):
    response = admin.get(reverse("audit_log"), {"since": "1926-12-25", "until": "2201-03-31"})
    assert response.status_code == 200
    assert "入力内容を確認してください" not in response.content.decode()
