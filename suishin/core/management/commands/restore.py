from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from suishin.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into a new, empty database (do not migrate it first): the archive "
        "is checked before anything is written, every table is compared with its manifest after, then `migrate` "
        "brings it up to this version of Suishin."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--no-migrate", action="store_true", help="do not run migrate after restoring")

    def handle(self, *args, archive: Path, no_migrate: bool, **options):
        try:
            result = backup_restore(archive)
        except BackupError as error:
            raise CommandError(f"復元できませんでした: {error}") from None
        if not no_migrate:
            call_command("migrate", verbosity=0)
        self.stdout.write(
            self.style.SUCCESS(
                f"復元しました: {len(result.manifest['tables'])} テーブル、{result.rows} 行、"
                f"ファイル {result.media_files} 個。行数とチェックサムはすべてバックアップと一致しています。"
            )
        )
