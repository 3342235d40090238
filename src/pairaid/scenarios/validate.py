"""Validate a raw bundle into canonical records, collecting every problem before any write."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from pairaid.accounts.models import Membership
from pairaid.engine.beds import BED_TYPES
from pairaid.engine.staffing import COUNTS
from pairaid.errors import Problem
from pairaid.pairing.models import Pairing
from pairaid.pairing.rules import degree_violations
from pairaid.programmes.models import Programme
from pairaid.registry.models import Region, Source
from pairaid.scenarios.bundle import RawBundle, RawRow
from pairaid.scenarios.tables import (
    CERTAINTIES,
    DEFAULT_DEADLINE,
    DEFAULT_TIME_ZONE,
    FORMAT_VERSIONS,
    OPERATIONS_SPECS,
    PHASES_SINCE_FORMAT,
    SPECS,
    CellError,
    choice_text,
    clock_text,
    coordinate_text,
    date_text,
    decimal_text,
    reference_text,
    version_tuple,
    zone_text,
)

Key = tuple[str, ...]
# The model's choices, written once there (TextChoices) and read here.
PROGRAMME_KINDS = Programme.Kind.values
PROGRAMME_STATUSES = Programme.Status.values
LEVELS = Region.Level.values
SOURCE_KINDS = Source.Kind.values
PAIRING_STATUSES = Pairing.Status.values
ORIGINS = Pairing.Origin.values
MEMBERSHIP_ROLES = Membership.Role.values
OFFICER_ROLE = {str(k): str(v) for k, v in Membership.OFFICER_PARTICIPANT_ROLE.items()}


@dataclass(frozen=True)
class Record:
    row: int
    values: dict[str, str]
    file: str = ""  # the file the row was read from, where it is not the table's own


@dataclass
class Registry:
    """What the database already holds that a bundle may refer to."""

    regions: dict[str, dict[str, str]]  # reference -> canonical region row
    source_keys: set[str]
    indicator_codes: set[str]
    resource_codes: set[str]
    base_participants: set[tuple[str, str]] = field(default_factory=set)  # (region, role)
    base_pairs: set[tuple[str, str]] = field(default_factory=set)
    base_programme: dict[str, str] | None = None


@dataclass
class ParsedBundle:
    name: str
    kind: str
    format_version: int
    data_version: str
    country: str
    programme: dict[str, str]
    base_programme: str
    tables: dict[str, dict[Key, Record]] = field(default_factory=dict)

    @property
    def illustrative(self) -> bool:
        return self.kind == "overlay"

    @property
    def programme_slug(self) -> str:
        return self.base_programme or self.programme["slug"]


class _Rows:
    """Helpers that parse one table's cells, recording each problem with file, row and column."""

    def __init__(self, name: str, problems: list[Problem]) -> None:
        self.name = name
        self.problems = problems

    def cell(self, row: RawRow, column: str, parse: Callable[[str], str], *, required: bool) -> str:
        text = row.cells.get(column, "")
        if not text:
            if required:
                self.fail(row, column, "required; the cell is empty")
            return ""
        try:
            return parse(text)
        except CellError as error:
            self.fail(row, column, str(error))
            return ""

    def fail(self, row: RawRow | int | None, column: str, message: str) -> None:
        number = row.row if isinstance(row, RawRow) else row
        self.problems.append(Problem(message, file=self.name, row=number, column=column))


def _text(value: str) -> str:
    return value


def _manifest(raw: RawBundle, problems: list[Problem]) -> ParsedBundle | None:
    manifest = raw.manifest
    if not manifest:
        return None
    out: list[Problem] = []

    def need(key: str, kind: type, container: dict[str, Any] = manifest, where: str = "") -> Any:
        value = container.get(key)
        if value is None or (kind is str and value == ""):
            out.append(Problem(f"missing {where}{key!r}", file="manifest.json", column=where + key))
            return None
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            out.append(
                Problem(
                    f"{where}{key!r} must be a {kind.__name__}, got {value!r}",
                    file="manifest.json",
                    column=where + key,
                )
            )
            return None
        return value

    format_version = need("format_version", int)
    if format_version is not None and format_version not in FORMAT_VERSIONS:
        out.append(
            Problem(
                f"format_version {format_version} is not supported"
                f" ({', '.join(map(str, FORMAT_VERSIONS))} are)",
                file="manifest.json",
                column="format_version",
            )
        )
    kind = need("kind", str)
    if kind not in (None, "programme", "overlay"):
        out.append(
            Problem(
                f"kind must be 'programme' or 'overlay', got {kind!r}",
                file="manifest.json",
                column="kind",
            )
        )
    data_version = need("data_version", str)
    if data_version:
        try:
            version_tuple(data_version)
        except CellError as error:
            out.append(Problem(str(error), file="manifest.json", column="data_version"))
    country = (manifest.get("country") or "CN").upper()
    programme: dict[str, str] = {}
    base = ""
    name = ""
    if kind == "overlay":
        base = need("base_programme", str) or ""
        name = need("name", str) or ""
        if manifest.get("illustrative") is not True:
            out.append(
                Problem(
                    'an overlay bundle must say "illustrative": true',
                    file="manifest.json",
                    column="illustrative",
                )
            )
    elif kind == "programme":
        raw_programme = need("programme", dict)
        if raw_programme is not None:
            programme = _programme_fields(raw_programme, out)
            name = programme.get("slug", "")
    problems.extend(out)
    if out:
        return None
    return ParsedBundle(name, kind, format_version, data_version, country, programme, base)


def _programme_fields(raw: dict[str, Any], out: list[Problem]) -> dict[str, str]:
    def field_(key: str, parse: Callable[[str], str], *, required: bool) -> str:
        value = raw.get(key)
        if value is None or value == "":
            if required:
                out.append(
                    Problem(
                        f"missing programme.{key}", file="manifest.json", column=f"programme.{key}"
                    )
                )
            return ""
        try:
            return parse(str(value))
        except CellError as error:
            out.append(Problem(str(error), file="manifest.json", column=f"programme.{key}"))
            return ""

    rules = raw.get("rules") or {}
    if not isinstance(rules, dict):
        out.append(
            Problem(
                "programme.rules must be an object", file="manifest.json", column="programme.rules"
            )
        )
        rules = {}
    known_rules = {
        "max_donors_per_recipient",
        "max_recipients_per_donor",
        "pledges_beyond_pairs",
        "min_contribution_share",
        "min_contribution_indicator",
        "min_contribution_basis",
        "need_indicator",
        "need_ratio",
    }
    for unknown in sorted(set(rules) - known_rules):
        out.append(
            Problem(
                f"unknown rule {unknown!r}; known: {', '.join(sorted(known_rules))}",
                file="manifest.json",
                column=f"programme.rules.{unknown}",
            )
        )

    def rule(key: str, parse: Callable[[str], str]) -> str:
        value = rules.get(key)
        if value is None or value == "":
            return ""
        try:
            return parse(str(value))
        except CellError as error:
            out.append(Problem(str(error), file="manifest.json", column=f"programme.rules.{key}"))
            return ""

    def positive_int(text: str) -> str:
        if not text.isdecimal() or int(text) < 1:
            raise CellError(f"expected a whole number >= 1, got {text!r}")
        return str(int(text))

    def yes_or_no(text: str) -> str:
        if text not in ("True", "False", "true", "false"):
            raise CellError(f"expected true or false, got {text!r}")
        return "true" if text.lower() == "true" else ""

    sources = raw.get("sources") or []
    follows = raw.get("follows") or {}
    if not isinstance(follows, dict):
        out.append(
            Problem(
                'programme.follows must be an object: {"programme": slug, "source": key}',
                file="manifest.json",
                column="programme.follows",
            )
        )
        follows = {}
    fields = {
        "slug": field_("slug", _text, required=True),
        "name_en": field_("name_en", _text, required=True),
        "name_zh": field_("name_zh", _text, required=False),
        "kind": field_("kind", lambda t: choice_text(t, PROGRAMME_KINDS), required=True),
        "period_start": field_("period_start", date_text, required=True),
        "period_end": field_("period_end", date_text, required=False),
        "currency": field_("currency", _text, required=True),
        "status": field_("status", lambda t: choice_text(t, PROGRAMME_STATUSES), required=True),
        "programme_date": field_("programme_date", date_text, required=False),
        "description_en": field_("description_en", _text, required=False),
        "description_zh": field_("description_zh", _text, required=False),
        "sources": ";".join(sorted(str(s) for s in sources)),
        # The previous phase (format 5): its slug, and the source that links the two.
        "follows": str(follows.get("programme") or ""),
        "follows_source": str(follows.get("source") or ""),
        "max_donors_per_recipient": rule("max_donors_per_recipient", positive_int),
        "max_recipients_per_donor": rule("max_recipients_per_donor", positive_int),
        "pledges_beyond_pairs": rule("pledges_beyond_pairs", yes_or_no),
        "min_contribution_share": rule(
            "min_contribution_share", lambda t: decimal_text(t, minimum=Decimal(0))
        ),
        "min_contribution_indicator": rule("min_contribution_indicator", _text),
        "min_contribution_basis": rule(
            "min_contribution_basis", lambda t: choice_text(t, Programme.ContributionBasis.values)
        ),
        "need_indicator": rule("need_indicator", _text),
        "need_ratio": rule("need_ratio", lambda t: decimal_text(t, minimum=Decimal(0), places=8)),
        # Absent (bundles before format 3 and programmes on the defaults): the model's defaults.
        "time_zone": field_("time_zone", zone_text, required=False) or DEFAULT_TIME_ZONE,
        "report_deadline": field_("report_deadline", clock_text, required=False)
        or DEFAULT_DEADLINE,
    }
    return fields


class _Validator:
    def __init__(
        self,
        raw: RawBundle,
        parsed: ParsedBundle,
        registry: Registry,
        update: bool,
        problems: list[Problem],
    ) -> None:
        self.raw = raw
        self.parsed = parsed
        self.registry = registry
        self.update = update
        self.problems = problems
        self.sources: set[str] = set(registry.source_keys)
        self.regions: dict[str, dict[str, str]] = dict(registry.regions)
        self.participants: set[tuple[str, str]] = set(registry.base_participants)

    def ref(self, text: str) -> str:
        return reference_text(text, self.parsed.country)

    def table(self, name: str) -> tuple[_Rows, list[RawRow]]:
        return _Rows(name, self.problems), self.raw.tables.get(name, [])

    def keep(self, name: str, rows: _Rows, row: RawRow, values: dict[str, str]) -> None:
        key = tuple(values[column] for column in SPECS[name].key)
        records = self.parsed.tables.setdefault(name, {})
        if key in records:
            rows.fail(
                row,
                ", ".join(SPECS[name].key),
                f"duplicate of row {records[key].row}: {' / '.join(k for k in key if k)}",
            )
            return
        records[key] = Record(row.row, values)

    def source(
        self, rows: _Rows, row: RawRow, column: str = "source", *, required: bool = True
    ) -> str:
        key = rows.cell(row, column, _text, required=required)
        if key and key not in self.sources:
            rows.fail(
                row, column, f"unknown source {key!r}: not in sources.csv nor in the registry"
            )
        return key

    def certainty(self, rows: _Rows, row: RawRow) -> str:
        return (
            rows.cell(row, "certainty", lambda t: choice_text(t, CERTAINTIES), required=False)
            or "verified"
        )

    def region(self, rows: _Rows, row: RawRow, column: str, *, required: bool = True) -> str:
        reference = rows.cell(row, column, self.ref, required=required)
        if reference and reference not in self.regions:
            rows.fail(
                row, column, f"unknown region {reference!r}: not in regions.csv nor in the registry"
            )
            return ""
        return reference

    def participant(self, rows: _Rows, row: RawRow, column: str, role: str) -> str:
        reference = self.region(rows, row, column)
        if reference and (reference, role) not in self.participants:
            rows.fail(
                row, column, f"{reference} is not a {role} of this programme (participants.csv)"
            )
            return ""
        return reference

    def run(self) -> None:
        from pairaid.scenarios.case_counts import check_case_counts

        self.check_sources()
        self.check_regions()
        self.check_renames()
        self.check_indicators()
        check_case_counts(self)
        self.check_participants()
        self.check_lines("capacities.csv", "donor")
        self.check_lines("needs.csv", "recipient")
        self.check_pairings()
        self.check_allocations()
        self.check_care_ratios()
        self.check_memberships()
        self.check_programme_sources()
        if self.parsed.format_version < 2:
            for name in OPERATIONS_SPECS:
                if self.raw.tables.get(name):
                    self.problems.append(
                        Problem("needs format_version 2 (the manifest says 1)", file=name)
                    )
            return
        from pairaid.scenarios.operations_tables import check_operations

        check_operations(self)

    def check_sources(self) -> None:
        rows, raw_rows = self.table("sources.csv")
        for row in raw_rows:
            values = {
                "key": rows.cell(row, "key", _text, required=True),
                "title": rows.cell(row, "title", _text, required=True),
                "issuer": row.cells.get("issuer", ""),
                "date": rows.cell(row, "date", date_text, required=False),
                "url": row.cells.get("url", ""),
                "kind": rows.cell(
                    row, "kind", lambda t: choice_text(t, SOURCE_KINDS), required=False
                )
                or "document",
                "method": row.cells.get("method", ""),
            }
            if values["kind"] == "derived" and not values["method"]:
                rows.fail(row, "method", "a derived source must say how the figure was computed")
            if values["key"]:
                self.sources.add(values["key"])
                self.keep("sources.csv", rows, row, values)

    def check_regions(self) -> None:
        rows, raw_rows = self.table("regions.csv")
        for row in raw_rows:
            country = (row.cells.get("country") or self.parsed.country).upper()
            level = rows.cell(row, "level", lambda t: choice_text(t, LEVELS), required=True)
            code = row.cells.get("code", "")
            parent = ""
            if level != Region.Level.COUNTRY:
                parent = self.region(rows, row, "parent")
            elif row.cells.get("parent"):
                rows.fail(row, "parent", "a country has no parent")
            name_en = rows.cell(row, "name_en", _text, required=True)
            if level == Region.Level.AREA and code:
                rows.fail(row, "code", "an area has no official code; leave the cell empty")
            if level and level != Region.Level.AREA and not code:
                rows.fail(row, "code", f"a {level} needs its official code")
            reference = (
                f"{country}:{code}" if code else f"{country}:{parent.partition(':')[2]}/{name_en}"
            )
            latitude = rows.cell(row, "latitude", lambda t: coordinate_text(t, 90), required=False)
            longitude = rows.cell(
                row, "longitude", lambda t: coordinate_text(t, 180), required=False
            )
            coordinates_source = self.source(
                rows, row, "coordinates_source", required=bool(latitude or longitude)
            )
            values = {
                "reference": reference,
                "country": country,
                "code": code,
                "parent": parent,
                "level": level,
                "name_zh": row.cells.get("name_zh", ""),
                "name_en": name_en,
                "name_en_certainty": rows.cell(
                    row, "name_en_certainty", lambda t: choice_text(t, CERTAINTIES), required=False
                )
                or "verified",
                "latitude": latitude,
                "longitude": longitude,
                "coordinates_source": coordinates_source,
                "source": self.source(rows, row),
                "certainty": self.certainty(rows, row),
            }
            self.compare_with_registry(rows, row, values)
            if level and name_en:
                self.regions[reference] = values
                self.keep("regions.csv", rows, row, values)

    def compare_with_registry(self, rows: _Rows, row: RawRow, values: dict[str, str]) -> None:
        existing = self.registry.regions.get(values["reference"])
        if existing is None or self.update:
            return
        for column in ("parent", "level", "name_zh", "name_en", "latitude", "longitude"):
            if existing.get(column, "") != values[column]:
                rows.fail(
                    row,
                    column,
                    f"conflicts with the registry for {values['reference']}: registry has "
                    f"{existing.get(column, '')!r}, bundle has {values[column]!r} "
                    "(load with --update to change the registry)",
                )

    def check_renames(self) -> None:
        rows, raw_rows = self.table("region_renames.csv")
        for row in raw_rows:
            values = {
                "region": self.region(rows, row, "region"),
                "new_code": row.cells.get("new_code", ""),
                "new_name_zh": row.cells.get("new_name_zh", ""),
                "new_name_en": row.cells.get("new_name_en", ""),
                "date": rows.cell(row, "date", date_text, required=False),
                "source": self.source(rows, row),
            }
            if not (values["new_code"] or values["new_name_zh"] or values["new_name_en"]):
                rows.fail(row, "new_code", "a rename needs a new code or a new name")
            self.keep("region_renames.csv", rows, row, values)

    def check_indicators(self) -> None:
        rows, raw_rows = self.table("indicators.csv")
        for row in raw_rows:
            indicator = rows.cell(row, "indicator", _text, required=True)
            if indicator and indicator not in self.registry.indicator_codes:
                rows.fail(
                    row,
                    "indicator",
                    f"unknown indicator {indicator!r}; known: "
                    + ", ".join(sorted(self.registry.indicator_codes)),
                )
            values = {
                "region": self.region(rows, row, "region"),
                "indicator": indicator,
                "value": rows.cell(row, "value", decimal_text, required=True),
                "as_of": rows.cell(row, "as_of", date_text, required=True),
                "source": self.source(rows, row),
                "certainty": self.certainty(rows, row),
            }
            self.keep("indicators.csv", rows, row, values)

    def check_participants(self) -> None:
        rows, raw_rows = self.table("participants.csv")
        for row in raw_rows:
            values = {
                "region": self.region(rows, row, "region"),
                "role": rows.cell(
                    row, "role", lambda t: choice_text(t, ("donor", "recipient")), required=True
                ),
                "note": row.cells.get("note", ""),
            }
            if values["region"] and values["role"]:
                self.participants.add((values["region"], values["role"]))
                self.keep("participants.csv", rows, row, values)

    def resource(self, rows: _Rows, row: RawRow) -> str:
        code = rows.cell(row, "resource_type", _text, required=True)
        if code and code not in self.registry.resource_codes:
            rows.fail(
                row,
                "resource_type",
                f"unknown resource type {code!r}; known: "
                + ", ".join(sorted(self.registry.resource_codes)),
            )
        return code

    def check_lines(self, name: str, role: str) -> None:
        rows, raw_rows = self.table(name)
        for row in raw_rows:
            derived_indicator = row.cells.get("derived_indicator", "")
            if derived_indicator and derived_indicator not in self.registry.indicator_codes:
                rows.fail(row, "derived_indicator", f"unknown indicator {derived_indicator!r}")
            values = {
                "region": self.participant(rows, row, "region", role),
                "resource_type": self.resource(rows, row),
                "quantity": rows.cell(
                    row, "quantity", lambda t: decimal_text(t, minimum=Decimal(0)), required=True
                ),
                "as_of": rows.cell(row, "as_of", date_text, required=True),
                "source": self.source(rows, row),
                "certainty": self.certainty(rows, row),
                "derived_indicator": derived_indicator,
                "derived_ratio": rows.cell(row, "derived_ratio", decimal_text, required=False),
                "method": row.cells.get("method", ""),
            }
            if derived_indicator and not values["method"]:
                rows.fail(row, "method", "a line derived from an indicator must say how (method)")
            self.keep(name, rows, row, values)

    def check_pairings(self) -> None:
        rows, raw_rows = self.table("pairings.csv")
        live: dict[tuple[str, str], int] = {}
        children: list[tuple[RawRow, dict[str, str]]] = []
        for row in raw_rows:
            values = {
                "donor": self.participant(rows, row, "donor", "donor"),
                "recipient": self.participant(rows, row, "recipient", "recipient"),
                "status": rows.cell(
                    row, "status", lambda t: choice_text(t, PAIRING_STATUSES), required=True
                ),
                "valid_from": rows.cell(row, "valid_from", date_text, required=False),
                "valid_to": rows.cell(row, "valid_to", date_text, required=False),
                "origin": rows.cell(
                    row, "origin", lambda t: choice_text(t, ORIGINS), required=False
                )
                or "historical",
                "rationale": row.cells.get("rationale", ""),
                "source": self.source(rows, row, required=False),
                "certainty": rows.cell(
                    row, "certainty", lambda t: choice_text(t, CERTAINTIES), required=False
                ),
                "parent_donor": self.region(rows, row, "parent_donor", required=False),
                "parent_recipient": self.region(rows, row, "parent_recipient", required=False),
            }
            pair = (values["donor"], values["recipient"])
            if values["donor"] and values["donor"] == values["recipient"]:
                rows.fail(row, "recipient", "a region cannot be paired with itself")
            if (
                values["valid_from"]
                and values["valid_to"]
                and values["valid_to"] < values["valid_from"]
            ):
                rows.fail(
                    row,
                    "valid_to",
                    f"ends ({values['valid_to']}) before it starts ({values['valid_from']})",
                )
            if values["status"] in ("approved", "active") and all(pair):
                if pair in live:
                    rows.fail(
                        row,
                        "donor, recipient",
                        f"duplicate pairing: row {live[pair]} already pairs "
                        f"{pair[0]} with {pair[1]}",
                    )
                    continue
                live[pair] = row.row
            self.keep("pairings.csv", rows, row, values)
            children.append((row, values))
        from pairaid.scenarios.level_tables import check_nesting

        nested = check_nesting(self, rows, children)
        # The degree rules are the programme's own level's: a child pairing does not count.
        self.check_rules(rows, [pair for pair, number in live.items() if number not in nested])

    def check_rules(self, rows: _Rows, live_pairs: list[tuple[str, str]]) -> None:
        programme = self.parsed.programme or self.registry.base_programme or {}
        limits = {
            key: int(programme[key]) if programme.get(key) else None
            for key in ("max_donors_per_recipient", "max_recipients_per_donor")
        }
        pairs = live_pairs + sorted(self.registry.base_pairs)
        for violation in degree_violations(pairs, **limits):
            rows.fail(None, "", str(violation))

    def check_allocations(self) -> None:
        rows, raw_rows = self.table("allocations.csv")
        pairs = {
            (r.values["donor"], r.values["recipient"])
            for r in self.parsed.tables.get("pairings.csv", {}).values()
        }
        pairs |= self.registry.base_pairs
        for row in raw_rows:
            values = {
                "donor": self.region(rows, row, "donor"),
                "recipient": self.region(rows, row, "recipient"),
                "resource_type": self.resource(rows, row),
                "quantity": rows.cell(
                    row, "quantity", lambda t: decimal_text(t, minimum=Decimal(0)), required=True
                ),
                "date": rows.cell(row, "date", date_text, required=True),
                "source": self.source(rows, row),
                "certainty": self.certainty(rows, row),
            }
            if (
                values["donor"]
                and values["recipient"]
                and (values["donor"], values["recipient"]) not in pairs
            ):
                rows.fail(
                    row,
                    "donor, recipient",
                    f"no pairing of {values['donor']} with {values['recipient']} in pairings.csv",
                )
            self.keep("allocations.csv", rows, row, values)

    def check_care_ratios(self) -> None:
        rows, raw_rows = self.table("care_ratios.csv")
        per_bed = partial(decimal_text, minimum=Decimal("0.001"), places=3)
        for row in raw_rows:
            values = {
                "bed_type": rows.cell(
                    row, "bed_type", lambda t: choice_text(t, BED_TYPES), required=True
                ),
                "doctors_per_bed": rows.cell(row, "doctors_per_bed", per_bed, required=False),
                "nurses_per_bed": rows.cell(row, "nurses_per_bed", per_bed, required=False),
                "counts": rows.cell(row, "counts", lambda t: choice_text(t, COUNTS), required=False)
                or "headcount",
                "source": self.source(rows, row),
            }
            self.keep("care_ratios.csv", rows, row, values)

    def check_memberships(self) -> None:
        rows, raw_rows = self.table("memberships.csv")
        for row in raw_rows:
            role = rows.cell(row, "role", lambda t: choice_text(t, MEMBERSHIP_ROLES), required=True)
            needs_region = role in OFFICER_ROLE
            region = self.region(rows, row, "region", required=needs_region)
            if region and not needs_region:
                rows.fail(row, "region", f"a {role} has no region; leave the cell empty")
            if region and needs_region and (region, OFFICER_ROLE[role]) not in self.participants:
                rows.fail(
                    row, "region", f"{region} is not a {OFFICER_ROLE[role]} of this programme"
                )
            values = {
                "username": rows.cell(row, "username", _text, required=True),
                "role": role,
                "region": region,
            }
            self.keep("memberships.csv", rows, row, values)

    def check_phase_link(self) -> None:
        """The parts of a phase link one bundle can check; the dates and cycles need the
        previous phase, so the writer checks them (`phase_link_problems`)."""
        follows = self.parsed.programme.get("follows", "")
        if not follows:
            return
        column = "programme.follows"
        if self.parsed.format_version < PHASES_SINCE_FORMAT:
            self.problems.append(
                Problem(
                    f"needs format_version {PHASES_SINCE_FORMAT}"
                    f" (the manifest says {self.parsed.format_version})",
                    file="manifest.json",
                    column=column,
                )
            )
        if follows == self.parsed.programme.get("slug"):
            self.problems.append(
                Problem("a programme cannot follow itself", file="manifest.json", column=column)
            )
        source = self.parsed.programme.get("follows_source", "")
        if source not in self.sources:
            self.problems.append(
                Problem(
                    f"the phase link needs a source of sources.csv, got {source!r}",
                    file="manifest.json",
                    column=column + ".source",
                )
            )

    def check_programme_sources(self) -> None:
        self.check_phase_link()
        keys = [k for k in self.parsed.programme.get("sources", "").split(";") if k]
        for key in keys:
            if key not in self.sources:
                self.problems.append(
                    Problem(
                        f"unknown source {key!r} in programme.sources",
                        file="manifest.json",
                        column="programme.sources",
                    )
                )
        for rule in ("min_contribution_indicator", "need_indicator"):
            indicator = self.parsed.programme.get(rule)
            if indicator and indicator not in self.registry.indicator_codes:
                self.problems.append(
                    Problem(
                        f"unknown indicator {indicator!r}",
                        file="manifest.json",
                        column=f"programme.rules.{rule}",
                    )
                )


def parse_manifest(raw: RawBundle, problems: list[Problem]) -> ParsedBundle | None:
    return _manifest(raw, problems)


def validate(
    raw: RawBundle,
    parsed: ParsedBundle,
    registry: Registry,
    *,
    update: bool,
    problems: list[Problem],
) -> None:
    """Fill `parsed.tables` with canonical records; append every problem found."""
    _Validator(raw, parsed, registry, update, problems).run()
