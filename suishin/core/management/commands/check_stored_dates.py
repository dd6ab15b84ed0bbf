from django.core.management.base import BaseCommand, CommandError

from suishin.core.stored_dates import FIRST_DATE, LAST_DATE, find_unshowable_values
from suishin.core.wareki import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR


class Command(BaseCommand):
    help = (
        "和暦で表せない日付・扱える範囲外の年度が保存されていないか調べ、モデル・行・値を一覧にします"
        "（見つかれば終了コード1）。"
    )

    def handle(self, *args, **options):
        found = 0
        for value in find_unshowable_values():
            found += 1
            self.stdout.write(str(value))
        if found:
            raise CommandError(
                f"和暦で表せない、または扱える範囲外の値が{found}件あります"
                f"（日付は{FIRST_DATE.isoformat()}〜{LAST_DATE.isoformat()}、"
                f"年度は{FIRST_FISCAL_YEAR}〜{LAST_FISCAL_YEAR}年度）。上の行を直してください。"
            )
        self.stdout.write(self.style.SUCCESS("和暦で表せない日付・範囲外の年度は見つかりませんでした。"))
