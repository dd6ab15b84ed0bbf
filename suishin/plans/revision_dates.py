"""The rule for a revision's 改定日, which the publish form and the publish service both apply.

A stored date is shown on the plan's pages for good, so a typo (0226-04-01 for 2026-04-01) must
be refused when it is typed, not discovered when pages are read.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from suishin.core.wareki import ERAS, can_name_date, wareki_date

from .models import Plan, PlanRevision

# A revision is decided by a body and published within months; a date further ahead is a typo.
YEARS_AHEAD = 2


def latest_revision_date(plan: Plan, *, excluding=None) -> dt.date | None:
    """Return the 改定日 of the plan's newest decided revision (other than `excluding`), or None."""
    decided = plan.revisions.filter(status=PlanRevision.Status.APPROVED)
    if excluding is not None:
        decided = decided.exclude(pk=excluding.pk)
    return decided.order_by("-number").values_list("published_on", flat=True).first()


def last_allowed_date(today: dt.date) -> dt.date:
    """Return the latest 改定日 accepted on `today`: the same day YEARS_AHEAD years on."""
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def _label(day: dt.date) -> str:
    return f"{day.isoformat()}（{wareki_date(day)}）"


def check_revision_date(
    plan: Plan, published_on: dt.date, *, today: dt.date | None = None, revision: PlanRevision | None = None
) -> None:
    """Raise ValidationError unless `published_on` is a 改定日 the plan can take.

    It must be a date 和暦 display can name (from 昭和 on), not before the plan's previous revision,
    and at most YEARS_AHEAD years after today.
    """
    today = today or timezone.localdate()
    first = ERAS[-1].start
    if not can_name_date(published_on):
        raise ValidationError(
            _("改定日「%(day)s」は和暦で表せない日付です。%(first)s以降の日付を入力してください。")
            % {"day": published_on.isoformat(), "first": _label(first)},
            code="revision_date_too_early",
        )
    previous = latest_revision_date(plan, excluding=revision)
    if previous is not None and published_on < previous:
        raise ValidationError(
            _("改定日「%(day)s」は前の版の改定日%(previous)sより前です。%(previous)s以降の日付を入力してください。")
            % {"day": _label(published_on), "previous": _label(previous)},
            code="revision_date_before_previous",
        )
    last = last_allowed_date(today)
    if published_on > last:
        raise ValidationError(
            _("改定日「%(day)s」は先すぎます。今日から%(years)s年後の%(last)sまでの日付を入力してください。")
            % {"day": _label(published_on), "years": YEARS_AHEAD, "last": _label(last)},
            code="revision_date_too_late",
        )
