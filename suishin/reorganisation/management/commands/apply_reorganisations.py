"""manage.py apply_reorganisations: apply every scheduled reorganisation whose date has come.

Safe to run every day (bin/serve runs it every hour): an applied reorganisation is never applied again,
and one that cannot be applied (a department added since it was scheduled, say) is reported and left
scheduled, so the others still take effect.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from suishin.reorganisation.models import Reorganisation
from suishin.reorganisation.services import reorganisation_apply
from suishin.tenants.services import system_actor


def parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date takes a date such as 2026-04-01, not {text!r}") from None


class Command(BaseCommand):
    help = "施行日が来た組織改編を施行する。毎日何度実行しても、同じ組織改編を 2 度は施行しない。"

    def add_arguments(self, parser):
        parser.add_argument("--date", type=parse_day, help="この日に施行日が来ているものを施行する（既定: 今日）")

    def handle(self, *args, **options):
        day = options["date"] or timezone.localdate()
        due = (
            Reorganisation.objects.filter(  # scoped: every organization's due ones, each applied as its own
                status=Reorganisation.Status.SCHEDULED, effective_on__lte=day
            )
            .select_related("organization")
            .order_by("effective_on", "pk")
        )
        failed = 0
        for reorganisation in due:
            try:
                applied = reorganisation_apply(
                    actor=system_actor(reorganisation.organization), reorganisation=reorganisation, today=day
                )
            except ValidationError as error:
                failed += 1
                self.stderr.write(
                    f"{reorganisation.organization} 「{reorganisation}」を施行できませんでした: "
                    + " / ".join(error.messages)
                )
                continue
            if options["verbosity"] > 0:
                moved = sum(kind["count"] for kind in applied.report.get("kinds", []))
                self.stdout.write(f"{reorganisation.organization} 「{applied}」を施行しました（引継ぎ {moved} 件）")
        if failed:
            raise CommandError(f"{failed} 件の組織改編を施行できませんでした（上記）")
