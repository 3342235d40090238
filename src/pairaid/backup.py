"""Backups that restore: the whole database and the stored files, in one archive.

`pairaid backup PATH` writes a gzipped tar archive:

- `manifest.json`: the archive's format, PairAid's version, the database's kind, when it was
  made, the last migration of each app, and the files it holds;
- the database: `database.sqlite3`, an online copy through SQLite's backup API (consistent while
  the server keeps running), or `database.pgdump`, PostgreSQL's `pg_dump` custom format;
- `files/…`: every file in Django's default storage (attachments and generated documents), read
  through the storage API so that a deployment on object storage is backed up alike.

`pairaid restore PATH` checks the whole archive before it changes anything (its manifest, that
the database's kind matches, that this release knows every migration the backup was made with,
that the dump is readable), then replaces the database in one step (SQLite's backup API;
`pg_restore --single-transaction`), the stored files, runs `migrate` (a backup made by an
earlier release is brought up to date) and starts a new generation of data versions, so that no
cached page made before the restore can be served after it (`pairaid.freshness`).
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from pairaid import __version__, freshness
from pairaid.errors import PairAidError

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
FILES = "files"


class BackupError(PairAidError):
    """A backup that cannot be made, or an archive that cannot be restored (nothing changed)."""


@dataclass(frozen=True)
class Manifest:
    format: int
    pairaid: str
    database: str
    created_at: str
    migrations: dict[str, str]
    files: list[str]

    def summary(self) -> str:
        return (
            f"PairAid {self.pairaid} backup of {self.created_at} ({self.database}, "
            f"{len(self.migrations)} apps, {len(self.files)} stored files)"
        )


def create(path: Path) -> Manifest:
    """Write a backup of the database and the stored files to `path` (a .tar.gz archive)."""
    connection = connections[DEFAULT_DB_ALIAS]
    vendor = _vendor(connection.vendor)
    with tempfile.TemporaryDirectory(prefix="pairaid-backup-") as work:
        database = Path(work) / DATABASE_FILES[vendor]
        _dump_sqlite(database) if vendor == "sqlite" else _dump_postgresql(database)
        files = _stored_files()
        manifest = Manifest(
            format=FORMAT,
            pairaid=__version__,
            database=vendor,
            created_at=timezone.now().isoformat(timespec="seconds"),
            migrations=_applied_migrations(),
            files=files,
        )
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest.__dict__, indent=2).encode())
            archive.add(database, arcname=database.name)
            for name in files:
                with default_storage.open(name, "rb") as stored:
                    _add_bytes(archive, f"{FILES}/{name}", stored.read())
        # Renamed only once complete: a failed backup never leaves a truncated archive at PATH.
        partial.replace(path)
    return manifest


def restore(path: Path) -> Manifest:
    """Replace the database and the stored files with the backup at `path`."""
    connection = connections[DEFAULT_DB_ALIAS]
    vendor = _vendor(connection.vendor)
    with tempfile.TemporaryDirectory(prefix="pairaid-restore-") as work:
        manifest = _unpack(path, Path(work))
        _check(manifest, vendor, path)
        database = Path(work) / DATABASE_FILES[vendor]
        _check_readable(database, vendor, path)
        connection.close()  # nothing of ours holds the old database while it is replaced
        _load_sqlite(database) if vendor == "sqlite" else _load_postgresql(database)
        _replace_stored_files(Path(work) / FILES, manifest.files)
    call_command("migrate", verbosity=0)
    freshness.new_generation()  # `migrate` starts one too; a restore must, whatever it runs
    return manifest


def _vendor(vendor: str) -> str:
    if vendor not in DATABASE_FILES:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def _applied_migrations() -> dict[str, str]:
    """Each app's last applied migration (its name sorts last: Django numbers them)."""
    loader = MigrationLoader(connections[DEFAULT_DB_ALIAS], ignore_no_migrations=True)
    last: dict[str, str] = {}
    for app, name in sorted(loader.applied_migrations):
        last[app] = max(last.get(app, name), name)
    return last


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _stored_files(folder: str = "") -> list[str]:
    """Every file in the default storage, as relative names, sorted."""
    try:
        folders, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return []  # nothing stored yet: the storage's folder does not exist
    found = [str(PurePosixPath(folder, name)) for name in names]
    for sub in folders:
        found.extend(_stored_files(str(PurePosixPath(folder, sub))))
    return sorted(found)


def _connection_env() -> tuple[list[str], dict[str, str]]:
    """libpq's connection arguments and environment for pg_dump / pg_restore."""
    settings = connections[DEFAULT_DB_ALIAS].settings_dict
    arguments = ["--dbname", settings["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            arguments += [option, str(settings[key])]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return arguments, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{what} needs {command[0]} (Debian: apt-get install postgresql-client)")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip() or done.returncode}")


def _dump_postgresql(target: Path) -> None:
    arguments, env = _connection_env()
    command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)]
    _run(command + arguments, env, "pg_dump")


def _load_postgresql(dump: Path) -> None:
    arguments, env = _connection_env()
    command = [
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",  # all or nothing: a failed restore leaves the database as it was
        "--exit-on-error",
    ]
    _run([*command, *arguments, str(dump)], env, "pg_restore")


def _raw_sqlite() -> sqlite3.Connection:
    connection = connections[DEFAULT_DB_ALIAS]
    connection.ensure_connection()
    raw: sqlite3.Connection = connection.connection
    return raw


def _dump_sqlite(target: Path) -> None:
    with sqlite3.connect(target) as copy:
        _raw_sqlite().backup(copy)
    copy.close()


def _load_sqlite(source: Path) -> None:
    with sqlite3.connect(source) as backup:
        backup.backup(_raw_sqlite())
    backup.close()


def _unpack(path: Path, work: Path) -> Manifest:
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        with tarfile.open(path, "r:gz") as archive:
            archive.extractall(work, filter="data")  # no absolute paths, links or devices
            raw: dict[str, Any] = json.loads((work / MANIFEST).read_text())
            return Manifest(**raw)
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{path}: not a PairAid backup archive ({error})") from error
    except (ValueError, TypeError) as error:
        raise BackupError(f"{path}, {MANIFEST}: not a PairAid manifest ({error})") from error


def _check(manifest: Manifest, vendor: str, path: Path) -> None:
    if manifest.format != FORMAT:
        raise BackupError(f"{path}: archive format {manifest.format}; this release reads {FORMAT}")
    if manifest.database != vendor:
        raise BackupError(
            f"{path}: a {manifest.database} backup cannot be restored into {vendor}; "
            "set DATABASE_URL to a database of its kind"
        )
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [
        f"{app}.{name}" for app, name in manifest.migrations.items() if (app, name) not in known
    ]
    if unknown:
        raise BackupError(
            f"{path}: made by PairAid {manifest.pairaid} with migrations this release does not "
            f"know ({', '.join(sorted(unknown))}); restore it with that release or a later one"
        )


def _check_readable(database: Path, vendor: str, path: Path) -> None:
    if not database.is_file():
        raise BackupError(f"{path}: the archive holds no {database.name}")
    if vendor == "postgresql":
        _run(["pg_restore", "--list", str(database)], dict(os.environ), f"{path}: reading the dump")
        return
    try:
        with sqlite3.connect(database) as copy:
            (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
        copy.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path}, {database.name}: not an SQLite database ({error})") from error
    if verdict != "ok":
        raise BackupError(f"{path}, {database.name}: damaged ({verdict})")


def _replace_stored_files(folder: Path, names: list[str]) -> None:
    """The stored files become exactly the backup's."""
    for name in _stored_files():
        if name not in names:
            default_storage.delete(name)
    for name in names:
        default_storage.delete(name)  # save() would otherwise pick a new name beside it
        default_storage.save(name, ContentFile((folder / name).read_bytes()))
