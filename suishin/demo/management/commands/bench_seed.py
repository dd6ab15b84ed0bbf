"""Build (or grow) the national-scale benchmark data set."""

import time

from django.core.management.base import BaseCommand, CommandError

from suishin.demo.national import seed_national


class Command(BaseCommand):
    help = "Create up to N organizations (47 prefectures, the rest municipalities) with plans, for bench/."

    def add_arguments(self, parser):
        parser.add_argument("--organizations", type=int, default=1788, help="how many 団体 (1–1788)")

    def handle(self, *args, organizations: int, **options):
        if not 1 <= organizations <= 1788:
            raise CommandError("--organizations must be between 1 and 1788")
        started = time.perf_counter()
        added = seed_national(organizations, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"bench data: {added} organizations added in {time.perf_counter() - started:.1f} s")
        )
