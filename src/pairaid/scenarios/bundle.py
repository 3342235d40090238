"""Reading a scenario bundle (a folder or a zip) into raw rows, with precise file errors.

Nothing here knows the meaning of a column beyond its name; see `tables.py` for that.
"""

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pairaid.errors import Problem
from pairaid.scenarios.tables import SPECS, TableSpec

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class RawRow:
    row: int  # the row number a spreadsheet shows: the header is row 1
    cells: dict[str, str]


@dataclass
class RawBundle:
    path: Path
    manifest: dict[str, Any]
    tables: dict[str, list[RawRow]] = field(default_factory=dict)


def _read_members(path: Path) -> dict[str, bytes]:
    """File name -> bytes, for a bundle folder or a zip of one (a single top folder is allowed)."""
    if path.is_dir():
        return {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file()}
    with zipfile.ZipFile(path) as archive:
        members = {
            Path(info.filename).name: archive.read(info)
            for info in archive.infolist()
            if not info.is_dir()
        }
    return members


def _decode(name: str, data: bytes, problems: list[Problem]) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad = data[error.start : error.start + 1].hex()
        line = data[: error.start].count(b"\n") + 1
        problems.append(
            Problem(
                f"not UTF-8 text (byte 0x{bad} at line {line}); save the file as UTF-8 CSV",
                file=name,
            )
        )
        return None


def _read_manifest(members: dict[str, bytes], problems: list[Problem]) -> dict[str, Any]:
    if MANIFEST not in members:
        problems.append(Problem("missing: every bundle needs a manifest.json", file=MANIFEST))
        return {}
    text = _decode(MANIFEST, members[MANIFEST], problems)
    if text is None:
        return {}
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as error:
        problems.append(Problem(f"not valid JSON: {error.msg}", file=MANIFEST, row=error.lineno))
        return {}
    if not isinstance(manifest, dict):
        problems.append(Problem("must be a JSON object", file=MANIFEST))
        return {}
    return manifest


def _read_table(name: str, spec: TableSpec, data: bytes, problems: list[Problem]) -> list[RawRow]:
    text = _decode(name, data, problems)
    if text is None:
        return []
    if not text.strip():
        expected = ", ".join(spec.required)
        problems.append(
            Problem(f"the file is empty; expected a header row with: {expected}", file=name)
        )
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [column.strip() for column in next(reader)]
    header_problems = spec.check_header(name, header)
    problems.extend(header_problems)
    if header_problems:
        return []
    rows: list[RawRow] = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines carry nothing
        if len(cells) != len(header):
            problems.append(
                Problem(
                    f"has {len(cells)} cells; the header has {len(header)} columns",
                    file=name,
                    row=number,
                )
            )
            continue
        rows.append(
            RawRow(number, {col: cell.strip() for col, cell in zip(header, cells, strict=True)})
        )
    return rows


def read_bundle(path: Path, problems: list[Problem]) -> RawBundle:
    """Read every file of the bundle, appending each problem found (nothing is raised here)."""
    try:
        members = _read_members(path)
    except (OSError, zipfile.BadZipFile) as error:
        problems.append(Problem(f"cannot read the bundle: {error}", file=str(path)))
        return RawBundle(path, {})
    bundle = RawBundle(path, _read_manifest(members, problems))
    kind = bundle.manifest.get("kind", "programme")
    for name, spec in SPECS.items():
        if name not in members:
            if spec.required_for(kind):
                problems.append(Problem(f"missing: a {kind} bundle needs this table", file=name))
            continue
        bundle.tables[name] = _read_table(name, spec, members[name], problems)
    unknown = sorted(set(members) - set(SPECS) - {MANIFEST, "README.md", "LICENSE"})
    for name in unknown:
        problems.append(Problem(f"unknown file; expected one of: {', '.join(SPECS)}", file=name))
    return bundle
