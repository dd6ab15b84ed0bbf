from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from suishin.core.backup import RestoreError, backup_restore


class Command(BaseCommand):
    help = "Restore an archive written by `backup` into an empty database (it is migrated first)."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive: Path, **options):
        call_command("migrate", verbosity=0)
        try:
            manifest = backup_restore(archive)
        except RestoreError as error:
            raise CommandError(str(error)) from None
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(self.style.SUCCESS(f"Restored {rows} rows; row counts and checksums match the backup."))
