"""Load an organization's departments (課・局) from a CSV file: every bad row is reported, none saved."""

import csv
import io

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from suishin.tenants.models import Department, Organization
from suishin.tenants.services import department_create, system_actor

HEADER = ["組織コード", "組織名", "上位組織コード"]


def decode(data: bytes) -> str:
    """Return the text of a CSV as Excel and other tools save it: UTF-8 (with or without BOM) or CP932."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CommandError("文字コードを判別できません。UTF-8 または Shift_JIS で保存してください。")


class Command(BaseCommand):
    help = "Import departments from a CSV with the columns 組織コード, 組織名, 上位組織コード (parent, may be empty)."

    def add_arguments(self, parser):
        parser.add_argument("--organization", required=True, help="全国地方公共団体コード of the organization")
        parser.add_argument("file", help="the CSV file")

    def handle(self, *args, organization, file, **options):
        org = Organization.objects.filter(local_government_code=organization).first()
        if org is None:
            raise CommandError(f"団体 {organization} は登録されていません。")
        with open(file, "rb") as handle:
            rows = list(csv.reader(io.StringIO(decode(handle.read()))))
        if not rows or [cell.strip() for cell in rows[0][:3]] != HEADER:
            raise CommandError(f"1行目の見出しは「{'、'.join(HEADER)}」にしてください。")
        existing = {d.code: d for d in Department.objects.for_organization(org)}
        names = {d.name for d in existing.values()}
        problems, planned = [], []
        codes_in_file = {row[0].strip() for row in rows[1:] if row and row[0].strip()}
        for number, row in enumerate(rows[1:], start=2):
            if not any(cell.strip() for cell in row):
                continue
            code, name, parent = [*row, "", "", ""][:3]
            code, name, parent = code.strip(), name.strip(), parent.strip()
            if not code:
                problems.append(f"{number}行目 A列: 組織コードが空です。")
            elif code in existing or any(p[0] == code for p in planned):
                problems.append(f"{number}行目 A列: 組織コード「{code}」が重複しています。")
            if not name:
                problems.append(f"{number}行目 B列: 組織名が空です。")
            elif name in names or any(p[1] == name for p in planned):
                problems.append(f"{number}行目 B列: 組織名「{name}」が重複しています。")
            if parent and parent not in existing and parent not in codes_in_file:
                problems.append(f"{number}行目 C列: 上位組織コード「{parent}」がありません。")
            planned.append((code, name, parent))
        if problems:
            raise CommandError("取り込みませんでした（何も保存していません）:\n" + "\n".join(problems))
        actor = system_actor(org)
        with transaction.atomic():
            created = dict(existing)
            pending = list(planned)
            position = len(existing)
            while pending:  # parents first, whatever the file's order
                ready = [p for p in pending if not p[2] or p[2] in created]
                if not ready:
                    raise CommandError("上位組織コードが循環しています。")
                for code, name, parent in ready:
                    position += 1
                    created[code] = department_create(
                        actor=actor,
                        organization=org,
                        code=code,
                        name=name,
                        parent=created.get(parent) if parent else None,
                        position=position,
                    )
                    pending.remove((code, name, parent))
        self.stdout.write(self.style.SUCCESS(f"{len(planned)}件の組織を登録しました。"))
