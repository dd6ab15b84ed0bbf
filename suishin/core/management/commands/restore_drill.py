from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from suishin.core.backup import BackupError
from suishin.core.restore_drill import restore_drill


class Command(BaseCommand):
    help = (
        "Restore drill: back up (or take --archive), restore into a scratch database that is dropped afterwards, "
        "and compare every table, every 工程表 export (cell by cell) and the uploaded files. Changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--archive", type=Path, help="drill this archive instead of a new backup")

    def handle(self, *args, archive: Path | None, **options):
        try:
            report = restore_drill(archive)
        except BackupError as error:
            raise CommandError(f"復元訓練: 復元できませんでした: {error}") from None
        summary = (
            f"{report.tables} テーブル {report.rows} 行、ファイル {report.media_files} 個、"
            f"書き出し {report.exports} 件（{report.seconds:.1f} 秒）"
        )
        if report.changed_since_backup:
            self.stdout.write(
                "バックアップ後にデータが更新されたため、書き出しは比較していません（表: "
                + "、".join(report.changed_since_backup[:10])
                + "）。人の操作がない時間にもう一度実行してください。"
            )
        if not report.ok:
            raise CommandError("復元訓練: 一致しません: " + "; ".join(report.differences[:20]))
        self.stdout.write(self.style.SUCCESS(f"復元訓練: 問題ありません。{summary} がバックアップと一致しました。"))
