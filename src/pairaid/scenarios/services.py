"""Use cases on scenario bundles: list, load (validated, atomic, versioned) and export."""

import csv
import gc
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from pairaid.errors import Conflict, NotFound, Problem, ValidationFailed
from pairaid.programmes.models import Programme
from pairaid.registry.models import Region
from pairaid.scenarios import operations_export, operations_tables, snapshot
from pairaid.scenarios.bundle import RawBundle, read_bundle
from pairaid.scenarios.diff import TableChange, compare
from pairaid.scenarios.models import LoadedBundle
from pairaid.scenarios.tables import (
    DEFAULT_DEADLINE,
    DEFAULT_TIME_ZONE,
    FORMAT_VERSION,
    SPECS,
    version_tuple,
)
from pairaid.scenarios.validate import ParsedBundle, parse_manifest, validate
from pairaid.scenarios.writer import Writer

BUNDLED_DIR = Path(__file__).resolve().parent / "bundles"
Progress = Callable[[str, int], None]


@dataclass
class LoadReport:
    name: str
    programme: str
    data_version: str
    outcome: str  # "loaded", "unchanged", "updated"
    changes: list[TableChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the load could not do, and why

    def summary(self) -> list[str]:
        return [line for change in self.changes for line in change.summary()] + self.notes


@dataclass(frozen=True)
class BundleListing:
    name: str
    kind: str
    data_version: str  # of the bundled copy, "" if not bundled
    loaded_version: str  # "" if not loaded
    path: Path | None


def bundled_path(name: str) -> Path:
    """The folder of a bundle shipped with PairAid, by name."""
    path = BUNDLED_DIR / name
    if not (path / "manifest.json").is_file():
        known = ", ".join(sorted(p.name for p in BUNDLED_DIR.iterdir() if p.is_dir()))
        raise NotFound(f"no bundled scenario {name!r} (bundled: {known})")
    return path


def resolve(path_or_name: str) -> Path:
    path = Path(path_or_name)
    if path.exists():
        return path
    return bundled_path(path_or_name)


def list_bundles() -> list[BundleListing]:
    """Bundled scenarios and loaded ones, with their versions."""
    loaded = {b.name: b for b in LoadedBundle.objects.all()}
    listings: dict[str, BundleListing] = {}
    for folder in sorted(p for p in BUNDLED_DIR.iterdir() if (p / "manifest.json").is_file()):
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        name = manifest.get("name") or manifest.get("programme", {}).get("slug") or folder.name
        loaded_bundle = loaded.get(name)
        listings[name] = BundleListing(
            name,
            manifest.get("kind", ""),
            manifest.get("data_version", ""),
            loaded_bundle.data_version if loaded_bundle else "",
            folder,
        )
    for name, bundle in loaded.items():
        if name not in listings:
            listings[name] = BundleListing(name, bundle.kind, "", bundle.data_version, None)
    return sorted(listings.values(), key=lambda listing: listing.name)


def _parse(path: Path, *, update: bool) -> ParsedBundle:
    problems: list[Problem] = []
    raw = read_bundle(path, problems)
    parsed = parse_manifest(raw, problems)
    if parsed is None:
        raise ValidationFailed(problems or [Problem("the manifest is empty", file="manifest.json")])
    base = None
    if parsed.kind == "overlay":
        base = Programme.objects.filter(slug=parsed.base_programme).first()
        if base is None:
            problems.append(
                Problem(
                    f"base programme {parsed.base_programme!r} is not loaded; load it first",
                    file="manifest.json",
                    column="base_programme",
                )
            )
            raise ValidationFailed(problems)
    registry = snapshot.registry_snapshot(base_programme=base)
    validate(raw, parsed, registry, update=update, problems=problems)
    if problems:
        raise ValidationFailed(problems)
    return parsed


def _unlinked_phase(parsed: ParsedBundle) -> str:
    """A phase link to a programme that is not loaded cannot be stored: the load leaves it out
    (so that reloading compares like with like) and says how to set it. Empty: nothing left."""
    follows = parsed.programme.get("follows", "")
    if not follows or Programme.objects.filter(slug=follows).exists():
        return ""
    parsed.programme["follows"] = parsed.programme["follows_source"] = ""
    return (
        f"previous phase {follows!r} is not loaded, so the phase link is not set:"
        f" load {follows!r}, then load {parsed.name!r} again with --update"
    )


def _changes(parsed: ParsedBundle) -> dict[str, TableChange]:
    """Compare the bundle with what the database holds for the same keys."""
    programme = Programme.objects.filter(slug=parsed.programme_slug).first()
    wanted = {name: {k: r.values for k, r in rows.items()} for name, rows in parsed.tables.items()}
    region_refs = {key[0] for key in wanted.get("regions.csv", {})}
    for rows in wanted.values():
        for values in rows.values():
            region_refs.update(values[c] for c in ("region", "donor", "recipient") if values.get(c))
    regions = [r for r in Region.objects.select_related("parent") if r.reference in region_refs]
    source_keys = {k[0] for k in wanted.get("sources.csv", {})}
    current = snapshot.shared_tables(regions, source_keys)
    if programme is not None:
        current |= snapshot.programme_tables(programme, illustrative=parsed.illustrative)
    changes = {}
    for name, spec in SPECS.items():
        if spec.operations:
            continue  # a layer, replaced whole (operations_tables)
        removals = spec.programme_scoped and name != "memberships.csv" and programme is not None
        changes[name] = compare(
            name, wanted.get(name, {}), current.get(name, {}), removals=removals
        )
    if parsed.kind == "programme":
        now: dict[tuple[str, ...], dict[str, str]] = (
            {("programme",): snapshot.programme_fields(programme)} if programme else {}
        )
        changes["programme"] = compare(
            "manifest.json", {("programme",): parsed.programme}, now, removals=False
        )
    return changes


def load_bundle(
    path_or_name: str | Path,
    *,
    update: bool = False,
    progress: Progress | None = None,
) -> LoadReport:
    """Validate a bundle completely, then write it in one transaction (or refuse, saying why)."""
    with _collector_paused():
        return _load(resolve(str(path_or_name)), update=update, progress=progress)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A bundle's rows are ~100,000 short-lived objects (Hubei's daily series): the cyclic
    collector's passes over the whole heap cost a third of the load (0.1-0.2 s of 0.3-0.5 s,
    measured), and nothing here makes cycles worth collecting before the load returns."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load(path: Path, *, update: bool, progress: Progress | None) -> LoadReport:
    parsed = _parse(path, update=update)
    with transaction.atomic():
        loaded = LoadedBundle.objects.select_for_update().filter(name=parsed.name).first()
        unlinked = _unlinked_phase(parsed)
        changes = _changes(parsed)
        changed = [c for c in changes.values() if not c.empty]
        report = LoadReport(
            parsed.name, parsed.programme_slug, parsed.data_version, "loaded", changed
        )
        report.notes += [unlinked] if unlinked else []
        if loaded is not None:
            _check_version(parsed, loaded, report, update=update)
            if not changed and loaded.data_version == parsed.data_version:
                report.outcome = "unchanged"
                return report
            report.outcome = "updated"
        elif not update:
            _refuse_conflicts_with_other_bundles(parsed, changes)
        report_progress = progress or (lambda _table, _n: None)
        programme = Writer(parsed, changes, report_progress).write()
        if operations_tables.has_operations(parsed):
            operations_tables.remove_layer(programme, illustrative=parsed.illustrative)
            operations_tables.write_layer(parsed, programme, report_progress)
        LoadedBundle.objects.update_or_create(
            name=parsed.name,
            defaults={
                "kind": parsed.kind,
                "programme": programme,
                "format_version": parsed.format_version,
                "data_version": parsed.data_version,
            },
        )
    return report


def _check_version(
    parsed: ParsedBundle, loaded: LoadedBundle, report: LoadReport, *, update: bool
) -> None:
    new, old = version_tuple(parsed.data_version), version_tuple(loaded.data_version)
    if new < old:
        raise Conflict(
            f"{parsed.name}: data version {parsed.data_version} is older than the loaded "
            f"{loaded.data_version}; refusing to go back"
        )
    if new == old and report.changes and not update:
        raise Conflict(
            f"{parsed.name} {parsed.data_version} is loaded, but the database differs from the "
            "bundle (edited since?). Load with --update to apply the bundle:\n  "
            + "\n  ".join(report.summary())
        )
    if new > old and not update:
        raise Conflict(
            f"{parsed.name}: data version {parsed.data_version} is newer than the loaded "
            f"{loaded.data_version}. It would change:\n  "
            + "\n  ".join(report.summary() or ["nothing but the version"])
            + "\nLoad with --update to apply."
        )


def _refuse_conflicts_with_other_bundles(
    parsed: ParsedBundle, changes: dict[str, TableChange]
) -> None:
    """A new bundle may add to shared tables, but not silently change what another one loaded."""
    problems = []
    for name in ("sources.csv", "region_renames.csv", "indicators.csv"):
        for key, columns in changes[name].changed:
            record = parsed.tables[name][key]
            for column, old, new in columns:
                problems.append(
                    Problem(
                        f"conflicts with the registry: registry has {old!r}, bundle has {new!r} "
                        "(load with --update to change the registry)",
                        file=record.file or name,
                        row=record.row,
                        column=column,
                    )
                )
    if problems:
        raise ValidationFailed(problems)


def export_programme(slug: str, path: Path, *, include_illustrative: bool = False) -> Path:
    """Write a programme as a bundle folder that loads into an empty database unchanged: its
    facts, and its operations (format 2); illustrative records only if asked."""
    try:
        programme = Programme.objects.get(slug=slug)
    except Programme.DoesNotExist:
        raise NotFound(f"no programme {slug!r}") from None
    layer = None if include_illustrative else False
    tables = snapshot.programme_tables(programme, illustrative=layer)
    operations = operations_export.operations_tables(programme, illustrative=layer)
    regions = _regions_with_ancestors(programme)
    sources = _sources_used(programme, tables)
    facts_only = not include_illustrative
    shared = snapshot.shared_tables(regions, sources, facts_only=facts_only)
    sources |= {v["source"] for v in shared["region_renames.csv"].values()}
    sources |= {v["source"] for v in shared["indicators.csv"].values()}
    shared = snapshot.shared_tables(regions, sources, facts_only=facts_only)
    path.mkdir(parents=True, exist_ok=True)
    loaded = LoadedBundle.objects.filter(name=slug).first()
    manifest = {
        # The current format only where there are operations rows, so that fact bundles stay
        # readable by format 1.
        # (and where there is a phase link, which format 5 brought, or a child pairing, 6).
        "format_version": FORMAT_VERSION
        if any(operations.values())
        or programme.follows
        or any(row["parent_donor"] for row in tables["pairings.csv"].values())
        else 1,
        "kind": "programme",
        "data_version": loaded.data_version if loaded else "1",
        "country": "CN",
        "programme": _manifest_programme(snapshot.programme_fields(programme)),
    }
    (path / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    for name, rows in (shared | tables | operations).items():
        if name == "memberships.csv" or (not rows and not SPECS[name].needed_by):
            continue
        _write_csv(path / name, SPECS[name].columns, [_short_refs(v, "CN") for v in rows.values()])
    return path


PARENT_PAIR = ("parent_donor", "parent_recipient")


def _short_refs(values: dict[str, str], country: str) -> dict[str, str]:
    """Write references in the manifest's country without the `CC:` prefix, as people do."""
    prefix = f"{country}:"
    return {
        column: value.removeprefix(prefix)
        if column
        in ("region", "donor", "recipient", "parent", "participant", "location", *PARENT_PAIR)
        else value
        for column, value in values.items()
    }


def _regions_with_ancestors(programme: Programme) -> list[Region]:
    ids = set(programme.regions.values_list("pk", flat=True))
    ids |= set(programme.participants.values_list("region_id", flat=True))
    ids |= set(programme.projects.values_list("location_id", flat=True))  # townships too
    by_id = {
        r.pk: r for r in Region.objects.select_related("parent", "source", "coordinates_source")
    }
    wanted: set[int] = set()
    for region_id in ids:
        region: Region | None = by_id[region_id]
        while region is not None and region.pk not in wanted:
            wanted.add(region.pk)
            region = by_id.get(region.parent_id) if region.parent_id else None

    # Parents first, so the exported file loads in order.
    def depth(region: Region) -> int:
        return 0 if region.parent_id is None else 1 + depth(by_id[region.parent_id])

    return sorted(
        (by_id[i] for i in wanted), key=lambda r: (depth(r), r.country, r.code, r.name_en)
    )


def _sources_used(
    programme: Programme, tables: dict[str, dict[tuple[str, ...], dict[str, str]]]
) -> set[str]:
    keys = set(programme.sources.values_list("key", flat=True))
    for rows in tables.values():
        keys |= {v["source"] for v in rows.values() if v.get("source")}
    for region in _regions_with_ancestors(programme):
        keys.add(region.source.key)
        if region.coordinates_source:
            keys.add(region.coordinates_source.key)
    return keys


def _manifest_programme(fields: dict[str, str]) -> dict[str, object]:
    typed: dict[str, Callable[[str], object]] = {
        "max_donors_per_recipient": int,
        "max_recipients_per_donor": int,
        "pledges_beyond_pairs": lambda text: text == "true",
    }
    rules = {
        key: typed.get(key, str)(fields[key])
        for key in (
            "max_donors_per_recipient",
            "max_recipients_per_donor",
            "pledges_beyond_pairs",
            "min_contribution_share",
            "min_contribution_indicator",
            "min_contribution_basis",
            "need_indicator",
            "need_ratio",
        )
        if fields[key]
    }
    plain = {
        key: (fields[key] or None)
        for key in (
            "slug",
            "name_en",
            "name_zh",
            "kind",
            "period_start",
            "period_end",
            "currency",
            "status",
            "programme_date",
            "description_en",
            "description_zh",
        )
    }
    # Written only where not the defaults, so that fact bundles stay as format 1 wrote them.
    timing = {
        key: fields[key]
        for key, default in (
            ("time_zone", DEFAULT_TIME_ZONE),
            ("report_deadline", DEFAULT_DEADLINE),
        )
        if fields[key] != default
    }
    sources = [k for k in fields["sources"].split(";") if k]
    phase = (
        {"follows": {"programme": fields["follows"], "source": fields["follows_source"]}}
        if fields["follows"]
        else {}
    )
    return plain | timing | phase | {"sources": sources, "rules": rules}


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def read_raw(path: Path) -> RawBundle:
    """The raw rows of a bundle (for tools and tests); problems raise ValidationFailed."""
    problems: list[Problem] = []
    raw = read_bundle(path, problems)
    if problems:
        raise ValidationFailed(problems)
    return raw
