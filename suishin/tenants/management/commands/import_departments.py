"""Load an organization's departments (課・局) from a CSV or Excel file: every bad row is reported, none saved.

Reading, checking and writing are in suishin/tenants/department_import.py; this command only finds the
organization and the file and prints the outcome.
"""

from django.core.management.base import BaseCommand, CommandError

from suishin.tenants.department_import import DepartmentFileError, departments_import, parse_department_file
from suishin.tenants.models import Organization
from suishin.tenants.services import system_actor


class Command(BaseCommand):
    help = (
        "Import departments from a CSV or .xlsx file with the columns 組織コード, 組織名, "
        "上位組織コード (parent, may be empty)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organization", required=True, help="全国地方公共団体コード of the organization")
        parser.add_argument("file", help="the CSV (UTF-8 or Shift_JIS) or .xlsx file")

    def handle(self, *args, organization, file, **options):
        org = Organization.objects.filter(local_government_code=organization).first()
        if org is None:
            raise CommandError(f"団体 {organization} は登録されていません。")
        try:
            with open(file, "rb") as handle:
                imported = parse_department_file(org, handle.read())
        except OSError as error:
            raise CommandError(f"ファイル {file} を読めません（{error.strerror}）。") from None
        except DepartmentFileError as error:
            raise CommandError(f"取り込みませんでした（何も保存していません）: {error}") from None
        if imported.problems:
            raise CommandError(
                "取り込みませんでした（何も保存していません）:\n" + "\n".join(str(p) for p in imported.problems)
            )
        created = departments_import(actor=system_actor(org), organization=org, imported=imported)
        self.stdout.write(self.style.SUCCESS(f"{len(created)}件の組織を登録しました。"))
