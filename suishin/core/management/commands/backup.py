from pathlib import Path

from django.core.management.base import BaseCommand

from suishin.core.backup import backup_create


class Command(BaseCommand):
    help = "Write the whole database and uploaded files to one .tar.gz archive (restore with `restore`)."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="path of the archive to write, e.g. suishin-2026-11-24.tar.gz")

    def handle(self, *args, archive: Path, **options):
        manifest = backup_create(archive)
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(f"Backup written to {archive}: {rows} rows in {len(manifest['tables'])} tables.")
        )
