"""The portable export: every model's rows as JSON, to move between SQLite and PostgreSQL.

Not the backup (`backup.py` uses the database's own tools); this is for changing databases. The archive
(`.tar.gz`, same checks as a backup) holds `data.jsonl`, the uploaded files and `manifest.json`.

`data.jsonl` has, per model, one line `{"model": …, "columns": […]}` and then one JSON array per row.
Values are encoded here, field by field, rather than by Django's serializers: the XML one strips
surrounding whitespace and cannot hold control characters, and the JSON one drops microseconds. JSON
strings hold any text a database can store, so a traceback ending in "\\n" or a label with a vertical
tab comes back as it was. Times keep their microseconds (ISO 8601), decimals are strings, binary
is base64, durations are microseconds.

Rows are read in one transaction (REPEATABLE READ on PostgreSQL), and the manifest's checksum per model
is over the encoded rows in primary-key order; the import loads everything in one transaction and
compares the checksums of what it reads back before committing, so a failed import leaves the target
as it was.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import json
import tempfile
import uuid
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from .backup import FORMAT, RestoreError, read_archive, restore_media, write_archive

DATA = "data.jsonl"
# Not carried over: sessions end with a move anyway, and login-attempt logs are kept where they were.
EXCLUDED_APPS = {"sessions", "axes"}
# Filled by `migrate` in the target; replaced by the exported rows so that ids stay as they were.
REPLACED = {"contenttypes.contenttype", "auth.permission"}
BATCH = 500


def portable_models() -> list:
    """Return every model whose rows move, many-to-many tables included, in a fixed order."""
    models = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label not in EXCLUDED_APPS and not m._meta.proxy and m._meta.managed
    ]
    return sorted(models, key=lambda m: m._meta.label_lower)


def _columns(model) -> list:
    return list(model._meta.local_concrete_fields)


def _kind(field) -> str:
    while field.is_relation:
        field = field.target_field
    return field.get_internal_type()


def encode_value(field, value):
    """Return the JSON form of `value` stored in `field`."""
    if value is None:
        return None
    kind = _kind(field)
    if kind == "JSONField":
        return value
    if isinstance(value, dt.datetime | dt.time):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value // dt.timedelta(microseconds=1)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def decode_value(field, value):
    """Return the Python value of `value` read from `data.jsonl` for `field`."""
    if value is None:
        return None
    kind = _kind(field)
    if kind == "DateTimeField":
        return dt.datetime.fromisoformat(value)
    if kind == "DateField":
        return dt.date.fromisoformat(value)
    if kind == "TimeField":
        return dt.time.fromisoformat(value)
    if kind == "DurationField":
        return dt.timedelta(microseconds=value)
    if kind == "DecimalField":
        return decimal.Decimal(value)
    if kind == "UUIDField":
        return uuid.UUID(value)
    if kind == "BinaryField":
        return base64.b64decode(value)
    return value


def _line(values) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _rows(model, using: str):
    columns = _columns(model)
    names = [f.attname for f in columns]
    for values in model._base_manager.using(using).order_by("pk").values_list(*names).iterator(chunk_size=2000):
        yield [encode_value(f, v) for f, v in zip(columns, values, strict=True)]


def fingerprints(using: str = DEFAULT_DB_ALIAS) -> dict[str, dict]:
    """Return each model's row count and the checksum of its encoded rows in primary-key order."""
    result = {}
    for model in portable_models():
        digest, count = hashlib.sha256(), 0
        for row in _rows(model, using):
            digest.update(_line(row).encode() + b"\n")
            count += 1
        result[model._meta.label_lower] = {"rows": count, "sha256": digest.hexdigest()}
    return result


def _snapshot(using: str):
    """Start the one transaction every row is read in (call inside `transaction.atomic`)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")


def export_portable(path: Path, *, using: str = DEFAULT_DB_ALIAS, media_root: Path | None = None) -> dict:
    """Write every model's rows and the uploaded files to `path`; return the manifest."""
    media = Path(settings.MEDIA_ROOT) if media_root is None else media_root
    tables: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="suishin-export-") as workdir:
        data = Path(workdir) / DATA
        with transaction.atomic(using=using), data.open("w", encoding="utf-8") as out:
            _snapshot(using)
            for model in portable_models():
                out.write(_line({"model": model._meta.label_lower, "columns": [f.attname for f in _columns(model)]}))
                out.write("\n")
                digest, count = hashlib.sha256(), 0
                for row in _rows(model, using):
                    line = _line(row)
                    out.write(line + "\n")
                    digest.update(line.encode() + b"\n")
                    count += 1
                tables[model._meta.label_lower] = {"rows": count, "sha256": digest.hexdigest()}
        manifest = {
            "kind": "portable",
            "format": FORMAT,
            "created_at": dt.datetime.now(tz=dt.UTC).isoformat(timespec="seconds"),
            "database": {"engine": connections[using].vendor},
            "tables": tables,
        }
        return write_archive(path, {DATA: data}, manifest, media)


def _read_data(data: Path):
    """Yield (model, columns, rows) from `data.jsonl` in batches of at most BATCH decoded rows."""
    model = None
    columns: list = []  # the model's fields, in the order of the values
    rows: list[list] = []
    with data.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            try:
                item = json.loads(line)
            except ValueError as error:
                raise RestoreError(f"{DATA} の {number} 行目が読めません。 ({error})") from None
            if isinstance(item, dict):
                if rows:
                    yield model, columns, rows
                model, columns, rows = _model_of(item, number), [], []
                by_name = {f.attname: f for f in _columns(model)}
                missing = [name for name in item.get("columns", []) if name not in by_name]
                if missing:
                    raise RestoreError(
                        f"{item['model']} の列 {', '.join(missing)} がこの版の Suishin にありません。"
                        "書き出した版の Suishin で読み込んでから更新してください。"
                    )
                columns = [by_name[name] for name in item["columns"]]
            elif model is None or not isinstance(item, list) or len(item) != len(columns):
                raise RestoreError(f"{DATA} の {number} 行目の形が正しくありません。")
            else:
                rows.append([decode_value(f, v) for f, v in zip(columns, item, strict=True)])
                if len(rows) == BATCH:
                    yield model, columns, rows
                    rows = []
    if rows:
        yield model, columns, rows


def _model_of(item: dict, number: int):
    try:
        return apps.get_model(item["model"])
    except (LookupError, KeyError, ValueError, TypeError):
        raise RestoreError(f"{DATA} の {number} 行目: この版の Suishin にない表 {item.get('model')} です。") from None


def _refuse_unless_empty(using: str) -> None:
    filled = [
        m._meta.label_lower
        for m in portable_models()
        if m._meta.label_lower not in REPLACED and m._base_manager.using(using).exists()
    ]
    if filled:
        raise RestoreError(
            "読み込み先のデータベースは空ではありません（" + "、".join(filled[:5]) + " に行があります）。"
            "新しいデータベースを作って migrate してから import_portable してください。何も変更していません。"
        )


def import_portable(path: Path, *, using: str = DEFAULT_DB_ALIAS, media_root: Path | None = None) -> dict:
    """Load an export into the empty, migrated database `using`, checking every model; return the manifest."""
    from django.contrib.contenttypes.models import ContentType

    media = Path(settings.MEDIA_ROOT) if media_root is None else media_root
    connection = connections[using]
    with tempfile.TemporaryDirectory(prefix="suishin-import-") as workdir:
        work = Path(workdir)
        manifest = read_archive(path, work, "portable")
        _refuse_unless_empty(using)
        with transaction.atomic(using=using):
            for label in sorted(REPLACED, reverse=True):  # permissions before the content types they point to
                apps.get_model(label)._base_manager.using(using).all().delete()
            for model, columns, rows in _read_data(work / DATA):
                objects = [model(**{f.attname: v for f, v in zip(columns, row, strict=True)}) for row in rows]
                # raw=True as loaddata does: stored values go in as they are (no auto_now, no signals).
                model._base_manager.using(using)._insert(objects, fields=columns, raw=True, using=using)
            connection.check_constraints()
            found = fingerprints(using)
            expected = manifest["tables"]
            differing = [label for label in sorted(expected) if found.get(label) != expected[label]]
            if differing:
                raise RestoreError(
                    "読み込んだデータが書き出したものと一致しません: "
                    + "、".join(
                        f"{label}（書き出し {expected[label]['rows']} 行、"
                        f"読み込み {found.get(label, {}).get('rows')} 行）"
                        for label in differing[:10]
                    )
                    + "。何も変更していません。"
                )
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), portable_models()):
                    cursor.execute(statement)
        ContentType.objects.clear_cache()
        restore_media(work, media)
    return manifest
