"""`pairaid backup` then `pairaid restore` gives back every table and every stored file, and no
cached page from before the restore is served after it (on SQLite and on PostgreSQL)."""

import io
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from pairaid import backup
from pairaid.accounts import tokens
from pairaid.freshness.models import Stamp
from pairaid.registry.models import Region

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("local_cache"),
]


@pytest.fixture(autouse=True)
def stored_files(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _every_table() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, by table, but the data version's stamp (a restore draws a new
    generation on purpose)."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model is Stamp:
            continue
        fields = [field.attname for field in model._meta.concrete_fields]
        rows[model._meta.db_table] = list(
            model._default_manager.order_by("pk").values_list(*fields)
        )
    return rows


def _shandong_name(client: Any, key: str) -> str:
    page = client.get(
        "/api/v1/programmes/hubei-2020/pairings?page_size=100",
        headers={"Authorization": f"Bearer {key}"},
    ).json()
    names = {row["donor_name_en"] for row in page["items"] if row["donor"] == "CN:370000"}
    assert len(names) == 1, names
    return names.pop()


def _rename_shandong(name: str) -> None:
    Region.objects.filter(code="370000").update(name_en=name)


def test_a_restore_gives_back_every_table_and_file_and_no_stale_page(
    client: Any, people: dict[str, Any], tmp_path: Path
) -> None:
    _, key = tokens.create(owner=people["observer"], name="backup test")
    _rename_shandong("Shandong-A")
    default_storage.save("attachments/report.txt", ContentFile(b"before"))
    assert _shandong_name(client, key) == "Shandong-A"  # cached under the version of A
    before = _every_table()
    archive = tmp_path / "pairaid.tar.gz"

    call_command("backup", str(archive))

    _rename_shandong("Shandong-B")
    default_storage.delete("attachments/report.txt")
    default_storage.save("attachments/later.txt", ContentFile(b"after"))
    assert _shandong_name(client, key) == "Shandong-B"  # cached under the version of B

    call_command("restore", str(archive), "--yes")

    assert _every_table() == before
    assert _shandong_name(client, key) == "Shandong-A"
    # The restore rewound the count of writes: this write brings it back to where B's page was
    # cached. Only the new generation keeps that page from being served.
    _rename_shandong("Shandong-C")
    assert _shandong_name(client, key) == "Shandong-C"
    assert default_storage.listdir("attachments")[1] == ["report.txt"]
    with default_storage.open("attachments/report.txt") as stored:
        assert stored.read() == b"before"


def test_the_archive_names_what_it_holds(tmp_path: Path, hubei: Any) -> None:
    archive = tmp_path / "pairaid.tar.gz"
    manifest = backup.create(archive)
    assert manifest.database == connection.vendor
    assert manifest.migrations["pairing"].startswith("00")
    with tarfile.open(archive) as opened:
        names = opened.getnames()
    assert names[0] == "manifest.json"
    assert backup.DATABASE_FILES[connection.vendor] in names
    assert not archive.with_name(archive.name + ".partial").exists()


def test_a_bad_archive_is_refused_and_nothing_changes(tmp_path: Path, hubei: Any) -> None:
    before = _every_table()
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match=r"broken\.tar\.gz: not a PairAid backup archive"):
        call_command("restore", str(broken), "--yes")
    with pytest.raises(CommandError, match=r"missing\.tar\.gz: no such file"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), "--yes")
    assert _every_table() == before


def test_a_backup_from_a_later_release_is_refused(tmp_path: Path, hubei: Any) -> None:
    archive = tmp_path / "pairaid.tar.gz"
    backup.create(archive)
    later = tmp_path / "later.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(later, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member)
            assert data is not None
            content = data.read()
            if member.name == "manifest.json":
                content = content.replace(b'"0001_initial"', b'"9999_from_the_future"', 1)
                member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    with pytest.raises(CommandError, match="with migrations this release does not know"):
        call_command("restore", str(later), "--yes")
