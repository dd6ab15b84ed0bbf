from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from suishin.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database in one snapshot (PostgreSQL: pg_dump -Fc; SQLite: its online backup API) and the "
        "uploaded files into one .tar.gz archive with a manifest of counts and checksums (restore with `restore`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="path of the archive to write, e.g. suishin-2026-11-24.tar.gz")

    def handle(self, *args, archive: Path, **options):
        try:
            manifest = backup_create(archive)
        except BackupError as error:
            raise CommandError(f"バックアップできませんでした: {error}") from None
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"バックアップを書きました: {archive}（{len(manifest['tables'])} テーブル、{rows} 行、"
                f"ファイル {len(manifest['files']) - 1} 個）"
            )
        )
