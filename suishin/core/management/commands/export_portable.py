from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from suishin.core.backup import BackupError
from suishin.core.portable import export_portable


class Command(BaseCommand):
    help = (
        "Write every table and the uploaded files as portable JSON (.tar.gz), to move between SQLite and "
        "PostgreSQL with `import_portable`. For backups use `backup`."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="path of the file to write, e.g. suishin-portable.tar.gz")

    def handle(self, *args, archive: Path, **options):
        try:
            manifest = export_portable(archive)
        except BackupError as error:
            raise CommandError(f"書き出せませんでした: {error}") from None
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(self.style.SUCCESS(f"書き出しました: {archive}（{len(manifest['tables'])} 表、{rows} 行）"))
