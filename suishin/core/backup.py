"""Backup and restore: the whole database (as portable XML) and uploaded files in one archive.

The archive holds `data.xml` (Django's serialization, so an SQLite backup restores into PostgreSQL
and back; XML because Django's JSON drops the microseconds of times), the `media/` folder, and
`manifest.json` with the row count and a checksum per model, which the restore checks after loading.
"""

import hashlib
import io
import json
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db import transaction

# Rebuilt by `migrate`, or not worth keeping: sessions end with a restore anyway.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes.accessattempt", "axes.accessfailurelog"]


class RestoreError(RuntimeError):
    pass


def backed_up_models():
    excluded_apps = {e for e in EXCLUDED if "." not in e}
    excluded_models = {e for e in EXCLUDED if "." in e}
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label not in excluded_apps
        and m._meta.label_lower not in excluded_models
        and not m._meta.proxy
        and m._meta.managed
    ]


def table_fingerprints() -> dict[str, dict]:
    """Return each backed-up model's row count and a checksum of its rows."""
    result = {}
    for model in backed_up_models():
        rows = model._base_manager.order_by("pk")
        data = serializers.serialize("xml", rows)
        result[model._meta.label_lower] = {"rows": rows.count(), "sha256": hashlib.sha256(data.encode()).hexdigest()}
    return result


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    archive.addfile(info, io.BytesIO(content))


def backup_create(path: Path) -> dict:
    """Write the archive to `path` and return its manifest."""
    out = io.StringIO()
    exclude = list(EXCLUDED)
    call_command("dumpdata", exclude=exclude, natural_foreign=True, format="xml", stdout=out)
    manifest = {"format": 1, "tables": table_fingerprints()}
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(path, "w:gz") as archive:
        _add_bytes(archive, "data.xml", out.getvalue().encode())
        _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False).encode())
        if media.is_dir():
            archive.add(media, arcname="media")
    return manifest


def backup_restore(path: Path) -> dict:
    """Load the archive at `path` into an empty, migrated database and check it; return the manifest."""
    if any(model._base_manager.exists() for model in backed_up_models()):
        raise RestoreError("The database is not empty: restore only into a new, migrated database.")
    with tarfile.open(path, "r:gz") as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())
        data = archive.extractfile("data.xml").read()
        media_members = [m for m in archive.getmembers() if m.name.startswith("media/") and m.isfile()]
        with transaction.atomic():
            for obj in serializers.deserialize("xml", data.decode(), handle_forward_references=True):
                obj.save()
            found = table_fingerprints()
            if found != manifest["tables"]:
                differing = [
                    f"{k} ({manifest['tables'][k]['rows']} rows in the backup, {found.get(k, {}).get('rows')} restored)"
                    for k in sorted(manifest["tables"])
                    if found.get(k) != manifest["tables"][k]
                ]
                raise RestoreError(f"Restored data does not match the backup: {', '.join(differing)}")
        media_root = Path(settings.MEDIA_ROOT)
        for member in media_members:
            relative = Path(member.name).relative_to("media")
            if ".." in relative.parts:
                raise RestoreError(f"Unsafe path in archive: {member.name}")
            target = media_root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.extractfile(member).read())
    _reset_sequences()
    return manifest


def _reset_sequences() -> None:
    """Move PostgreSQL's id sequences past the restored rows (SQLite needs nothing)."""
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), backed_up_models())
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
