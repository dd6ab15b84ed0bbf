"""The notices pages in the access matrix: each user's own notices. Another user's or another town's
notice is refused in suishin/notices/tests/test_views.py (the id is in the POST body)."""

from suishin.core.access_matrix import EVERYONE, Case
from suishin.notices.models import MailPreference, Notice

CASES = {
    "notices:notice_list": Case(None, EVERYONE, set()),
    "notices:notice_mark_read": Case(None, set(), EVERYONE),
    "notices:notice_mark_all_read": Case(None, set(), EVERYONE),
    "notices:mail_preferences": Case(None, EVERYONE, EVERYONE),
}

WATCHED = [Notice, MailPreference]


def objects_of(town) -> dict:
    return {}
