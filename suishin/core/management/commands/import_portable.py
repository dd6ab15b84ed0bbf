from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from suishin.core.backup import BackupError
from suishin.core.portable import import_portable


class Command(BaseCommand):
    help = (
        "Load a file written by `export_portable` into a new, empty database (migrated first, here), in one "
        "transaction: every table is compared with the file before it is committed."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive: Path, **options):
        call_command("migrate", verbosity=0)
        try:
            manifest = import_portable(archive)
        except BackupError as error:
            raise CommandError(f"読み込めませんでした: {error}") from None
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(f"読み込みました: {rows} 行。行数とチェックサムはすべて書き出したものと一致しています。")
        )
