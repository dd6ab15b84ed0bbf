"""manage.py send_reminders: store and mail today's deadline reminders (safe to run again the same day)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from suishin.notices.reminders import send_reminders


def parse_time(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--after takes a time such as 08:00, not {text!r}") from None


def parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date takes a date such as 2026-04-01, not {text!r}") from None


class Command(BaseCommand):
    help = "期限のリマインダーを送る。同じ日に何度実行しても、同じものを同じ人に 2 度は送らない。"

    def add_arguments(self, parser):
        parser.add_argument("--date", type=parse_day, help="この日の分を送る（既定: 今日）")
        parser.add_argument("--after", type=parse_time, help="この時刻より前なら何もしない（例: 08:00）")

    def handle(self, *args, **options):
        now = timezone.localtime()
        if options["after"] is not None and now.time() < options["after"]:
            if options["verbosity"] > 1:
                self.stdout.write(f"before {options['after']:%H:%M}: nothing sent")
            return
        day = options["date"] or now.date()
        run = send_reminders(day)
        if options["verbosity"] > 0:
            self.stdout.write(f"{day}: {run.stored} reminder notices stored")
        if run.failed_providers:
            raise CommandError(f"{run.failed_providers} reminder providers failed (see the log)")
