"""The portable export gives back every stored value exactly, whatever text it holds, on either database."""

import datetime as dt
import io
from contextlib import contextmanager

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from suishin.core.backup import RestoreError, as_default_database, backup_create, backup_restore, database_wrapper
from suishin.core.models import AuditLog
from suishin.core.portable import export_portable, fingerprints, import_portable, portable_models
from suishin.core.restore_drill import scratch_database
from suishin.core.tests.dataset import FAILED_TRACEBACK, every_kind_of_object, models_with_text, text_fields

pytestmark = pytest.mark.django_db(transaction=True)


def empty_the_database():
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)


def test_export_then_import_into_an_empty_database_gives_every_row_back(tmp_path, settings):
    """A failed task's traceback ending in a newline, a label with a vertical tab: all come back."""
    from django_tasks_db.models import DBTaskResult

    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "a.txt").write_text("添付")
    every_kind_of_object()
    before = fingerprints()
    assert all(before[m._meta.label_lower]["rows"] for m in models_with_text())
    path = tmp_path / "portable.tar.gz"
    call_command("export_portable", str(path), stdout=io.StringIO())
    empty_the_database()
    (tmp_path / "media" / "a.txt").unlink()
    call_command("import_portable", str(path), stdout=io.StringIO())
    assert fingerprints() == before
    assert DBTaskResult.objects.get().traceback == FAILED_TRACEBACK
    assert (tmp_path / "media" / "a.txt").read_text() == "添付"


def test_times_keep_their_microseconds(tmp_path):
    """Django's JSON keeps only milliseconds; the export must give back exactly what it took."""
    entry = AuditLog.objects.create(verb="x")
    AuditLog._base_manager.filter(pk=entry.pk).update(created_at=dt.datetime(2024, 5, 1, 9, 0, 0, 512, tzinfo=dt.UTC))
    export_portable(tmp_path / "p.tar.gz", media_root=tmp_path / "none")
    empty_the_database()
    import_portable(tmp_path / "p.tar.gz", media_root=tmp_path / "none")
    assert AuditLog.objects.get(pk=entry.pk).created_at.microsecond == 512


def test_import_refuses_a_database_that_is_not_empty_and_changes_nothing(tmp_path):
    AuditLog.objects.create(verb="x")
    export_portable(tmp_path / "p.tar.gz", media_root=tmp_path / "none")
    with pytest.raises(CommandError, match="空ではありません"):
        call_command("import_portable", str(tmp_path / "p.tar.gz"))
    assert AuditLog.objects.count() == 1


def test_a_damaged_or_wrong_file_gives_a_plain_message(tmp_path):
    AuditLog.objects.create(verb="x")
    export_portable(tmp_path / "p.tar.gz", media_root=tmp_path / "none")
    backup_create(tmp_path / "native.tar.gz", media_root=tmp_path / "none")
    data = (tmp_path / "p.tar.gz").read_bytes()
    (tmp_path / "cut.tar.gz").write_bytes(data[: len(data) // 2])
    empty_the_database()
    with pytest.raises(CommandError, match="途中で切れています"):
        call_command("import_portable", str(tmp_path / "cut.tar.gz"))
    with pytest.raises(CommandError, match="`restore` で読み込むファイルです"):
        call_command("import_portable", str(tmp_path / "native.tar.gz"))
    with scratch_database() as target, pytest.raises(RestoreError, match="`import_portable` で読み込むファイルです"):
        backup_restore(tmp_path / "p.tar.gz", target=target)
    assert not AuditLog.objects.exists()


def _limit(field) -> int:
    return min(field.max_length or 60, 60)


def _fit(text: str, field) -> str:
    """Keep the end of `text` (the part under test) within the field's length."""
    return text[-_limit(field) :]


def _text_for(field):
    limit = _limit(field)
    body = st.text(
        alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=max(limit - 2, 0)
    )
    ending = st.sampled_from(["", "\n", " ", "\r\n", "\t", "\x0b", "\u3000", "\r", "😀"])
    return st.builds(lambda b, e: (b + e)[:limit], body, ending)


def test_every_text_field_of_every_model_round_trips(tmp_path):
    """Property: any text (trailing whitespace, CR, control characters, beyond the BMP) in any CharField
    or TextField of any model comes back unchanged from export → import into an empty database.

    NUL is left out: PostgreSQL cannot store it in text at all. Fields with choices hold a closed set.
    """
    every_kind_of_object()
    targets = {m: m._base_manager.order_by("pk").values_list("pk", flat=True)[0] for m in models_with_text()}
    fields = {(m._meta.label_lower, f.attname): (m, f) for m in targets for f in text_fields(m)}
    strategy = st.fixed_dictionaries({key: _text_for(field) for key, (_, field) in fields.items()})
    archive = tmp_path / "p.tar.gz"
    items = list(fields.items())

    @settings(
        max_examples=5 if connection.vendor == "postgresql" else 15,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(texts=strategy)
    @example(texts={key: _fit("改行で終わる\n", field) for key, (_, field) in fields.items()})
    @example(texts={key: _fit(" 前後に空白\x0b " if i % 2 else "\x0b", f) for i, (key, (_, f)) in enumerate(items)})
    def round_trip(texts):
        for (label, attname), text in texts.items():
            model, _ = fields[(label, attname)]
            model._base_manager.filter(pk=targets[model]).update(**{attname: text})
        export_portable(archive, media_root=tmp_path / "none")
        empty_the_database()
        import_portable(archive, media_root=tmp_path / "none")
        for (label, attname), text in texts.items():
            model, _ = fields[(label, attname)]
            assert model._base_manager.values_list(attname, flat=True).get(pk=targets[model]) == text, (label, attname)

    round_trip()
    covered = {label for label, _ in fields}
    assert covered == {m._meta.label_lower for m in portable_models() if text_fields(m)}


POSTGRES = {"ENGINE": "django.db.backends.postgresql", "NAME": "postgres", "USER": "postgres", "HOST": "127.0.0.1"}


@contextmanager
def other_engine_database(tmp_path):
    """Yield an empty database of the other engine (PostgreSQL on the local server, or an SQLite file)."""
    if connection.vendor == "postgresql":
        target = database_wrapper({"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "moved.sqlite3")})
        yield target
        target.close()
        return
    try:
        psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()
    except psycopg.Error:
        pytest.skip("PostgreSQL is not reachable from here")
    server = database_wrapper(POSTGRES)
    with scratch_database(server) as target:
        yield target
    server.close()


def test_the_export_moves_between_sqlite_and_postgresql(tmp_path):
    """SQLite → PostgreSQL (when the local server is reachable) in the SQLite run; PostgreSQL → SQLite in the other."""
    every_kind_of_object()
    before = fingerprints()
    export_portable(tmp_path / "p.tar.gz", media_root=tmp_path / "none")
    source_vendor = connection.vendor
    with other_engine_database(tmp_path) as target, as_default_database(target):
        assert target.vendor != source_vendor
        call_command("migrate", verbosity=0)
        import_portable(tmp_path / "p.tar.gz", media_root=tmp_path / "none")
        assert fingerprints() == before
