"""Onboarding a new organization from the command line: organization, departments, users."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from suishin.core.models import AuditLog
from suishin.tenants.models import Department, Membership, Organization


def run(*args, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_onboarding_a_town_end_to_end(tmp_path, monkeypatch):
    run("create_organization", "--code", "110001", "--name", "埼玉県", "--kind", "prefecture")
    run("create_organization", "--code", "113859", "--name", "上里町", "--prefecture", "110001")
    town = Organization.objects.get(local_government_code="113859")
    assert town.prefecture.name == "埼玉県"

    csv_file = tmp_path / "departments.csv"
    csv_file.write_bytes("組織コード,組織名,上位組織コード\nK02,総務課,K01\nK01,総務局,\n".encode("cp932"))
    run("import_departments", "--organization", "113859", str(csv_file))
    general = Department.objects.get(organization=town, code="K02")
    assert general.parent.name == "総務局"

    run(
        "create_user",
        "--organization",
        "113859",
        "--username",
        "tanaka",
        "--role",
        "department",
        "--department",
        "K02",
        "--password-stdin",
        stdin="long enough passphrase\n",
        monkeypatch=monkeypatch,
    )
    membership = Membership.objects.get(user__username="tanaka")
    assert (membership.organization, membership.department, membership.role) == (town, general, "department")
    assert get_user_model().objects.get(username="tanaka").check_password("long enough passphrase")
    assert AuditLog.objects.filter(organization=town, verb="user.create").exists()


@pytest.mark.django_db
def test_bad_code_and_unknown_prefecture_are_refused():
    with pytest.raises(CommandError, match="全国地方公共団体コード"):
        run("create_organization", "--code", "113858", "--name", "誤り町")
    with pytest.raises(CommandError, match="都道府県 130001"):
        run("create_organization", "--code", "131032", "--name", "港区", "--prefecture", "130001")
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_department_file_with_problems_lists_every_row_and_saves_nothing(tmp_path):
    run("create_organization", "--code", "113859", "--name", "上里町")
    csv_file = tmp_path / "departments.csv"
    csv_file.write_text(
        "組織コード,組織名,上位組織コード\nK01,総務課,\n,名無し,\nK01,重複課,\nK03,税務課,ZZ\n", "utf-8-sig"
    )
    with pytest.raises(CommandError) as error:
        run("import_departments", "--organization", "113859", str(csv_file))
    message = str(error.value)
    assert "3行目 A列" in message and "4行目 A列" in message and "5行目 C列" in message
    assert not Department.objects.exists()


@pytest.mark.django_db
def test_weak_password_and_missing_department_are_refused(monkeypatch):
    run("create_organization", "--code", "113859", "--name", "上里町")
    with pytest.raises(CommandError, match="--department"):
        run(
            "create_user",
            "--organization",
            "113859",
            "--username",
            "a",
            "--role",
            "department",
            "--password-stdin",
            stdin="long enough passphrase\n",
            monkeypatch=monkeypatch,
        )
    with pytest.raises(CommandError):
        run(
            "create_user",
            "--organization",
            "113859",
            "--username",
            "b",
            "--role",
            "staff",
            "--password-stdin",
            stdin="password\n",
            monkeypatch=monkeypatch,
        )
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_department_file_problems_are_row_level_messages_not_tracebacks(tmp_path):
    run("create_organization", "--code", "113859", "--name", "上里町")
    csv_file = tmp_path / "departments.csv"
    csv_file.write_text(
        "組織コード,組織名,上位組織コード\n"
        f"K01,{'長' * 101},\nK02,総務課,K03\nK03,総務局,K02\nK04,税務課,\nK04,会計課,\n",
        "utf-8-sig",
    )
    with pytest.raises(CommandError) as error:
        run("import_departments", "--organization", "113859", str(csv_file))
    lines = str(error.value).splitlines()
    assert lines[0] == "取り込みませんでした（何も保存していません）:"
    assert lines[1:] == [
        "2行目 B列: 組織名が長すぎます（100文字以内。101文字あります）。",
        "5行目 A列: 組織コード「K04」が6行目と重複しています。",
        "6行目 A列: 組織コード「K04」が5行目と重複しています。",
        "3行目 C列: 上位組織コードが循環しています（K02 → K03 → K02）。",
        "4行目 C列: 上位組織コードが循環しています（K02 → K03 → K02）。",
    ]
    assert not Department.objects.exists()


@pytest.mark.django_db
def test_an_unreadable_department_file_gets_one_message(tmp_path):
    run("create_organization", "--code", "113859", "--name", "上里町")
    csv_file = tmp_path / "departments.csv"
    csv_file.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(CommandError, match="文字コードを判別できません"):
        run("import_departments", "--organization", "113859", str(csv_file))
    with pytest.raises(CommandError, match="を読めません"):
        run("import_departments", "--organization", "113859", str(tmp_path / "missing.csv"))
