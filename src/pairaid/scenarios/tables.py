"""The tables of a scenario bundle: their columns, and canonical forms of their cells.

Cells are kept as canonical text (decimals without trailing zeros, ISO dates, full region
references) so that a bundle and a snapshot of the database compare field by field.
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from pairaid.errors import Problem
from pairaid.operations.bed_columns import CAPACITY_COLUMNS, SNAPSHOT_COLUMNS, STAFF_COLUMNS
from pairaid.operations.models import DailyReport
from pairaid.programmes.models import Programme
from pairaid.registry import references
from pairaid.registry.models import Certainty
from pairaid.registry.series import CASE_COUNTS

CERTAINTIES = Certainty.values
# The indicators case_counts.csv carries, one column each (codes of the indicator catalogue).
CASE_COUNT_INDICATORS = CASE_COUNTS


@dataclass(frozen=True)
class TableSpec:
    key: tuple[str, ...]
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    needed_by: frozenset[str] = field(default_factory=frozenset)  # bundle kinds needing it
    programme_scoped: bool = True
    operations: bool = False  # format 2: the running programme (loaded as a layer, see loader)
    # Columns of an earlier format, read and converted (`operations_tables`), never written.
    legacy: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional

    def required_for(self, kind: str) -> bool:
        return kind in self.needed_by

    def check_header(self, name: str, header: list[str]) -> list[Problem]:
        problems = [
            Problem(f"missing required column {column!r}", file=name, row=1, column=column)
            for column in self.required
            if column not in header
        ]
        problems += [
            Problem(
                f"unknown column {column!r}; expected: {', '.join(self.columns)}",
                file=name,
                row=1,
                column=column,
            )
            for column in header
            if column not in self.columns and column not in self.legacy
        ]
        duplicates = {column for column in header if header.count(column) > 1}
        problems += [
            Problem(f"column {column!r} appears twice", file=name, row=1, column=column)
            for column in sorted(duplicates)
        ]
        return problems


_BOTH = frozenset({"programme"})
_SOURCED = ("source", "certainty")

SPECS: dict[str, TableSpec] = {
    "sources.csv": TableSpec(
        key=("key",),
        required=("key", "title"),
        optional=("issuer", "date", "url", "kind", "method"),
        needed_by=_BOTH,
        programme_scoped=False,
    ),
    "regions.csv": TableSpec(
        key=("reference",),
        required=("code", "parent", "level", "name_en", "source"),
        optional=(
            "country",
            "name_zh",
            "name_en_certainty",
            "latitude",
            "longitude",
            "coordinates_source",
            "certainty",
        ),
        needed_by=_BOTH,
        programme_scoped=False,
    ),
    "region_renames.csv": TableSpec(
        key=("region", "new_code"),
        required=("region", "source"),
        optional=("new_code", "new_name_zh", "new_name_en", "date"),
        programme_scoped=False,
    ),
    "indicators.csv": TableSpec(
        key=("region", "indicator", "as_of"),
        required=("region", "indicator", "value", "as_of", "source"),
        optional=("certainty",),
        programme_scoped=False,
    ),
    # A region's daily case counts, one row per region and date, in the wide form the health
    # commissions publish them; read into indicators.csv's records (`case_counts`), where a row
    # of indicators.csv for the same region, indicator and date wins (the checked figure).
    "case_counts.csv": TableSpec(
        key=("region", "as_of"),
        required=("region", "as_of", "source"),
        optional=(*CASE_COUNT_INDICATORS, "certainty"),
        programme_scoped=False,
    ),
    "participants.csv": TableSpec(
        key=("region", "role"),
        required=("region", "role"),
        optional=("note",),
        needed_by=_BOTH,
    ),
    "capacities.csv": TableSpec(
        key=("region", "resource_type", "as_of"),
        required=("region", "resource_type", "quantity", "as_of", "source"),
        optional=("certainty", "derived_indicator", "derived_ratio", "method"),
    ),
    "needs.csv": TableSpec(
        key=("region", "resource_type", "as_of"),
        required=("region", "resource_type", "quantity", "as_of", "source"),
        optional=("certainty", "derived_indicator", "derived_ratio", "method"),
    ),
    # Format 6: a child pairing names its parent pair (parent_donor, parent_recipient): the
    # latest pairing of that pair in this bundle or its base programme (`pairing.levels`).
    "pairings.csv": TableSpec(
        key=("donor", "recipient", "valid_from"),
        required=("donor", "recipient", "status"),
        optional=(
            "valid_from",
            "valid_to",
            "origin",
            "rationale",
            *_SOURCED,
            "parent_donor",
            "parent_recipient",
        ),
    ),
    "allocations.csv": TableSpec(
        key=("donor", "recipient", "resource_type", "date"),
        required=("donor", "recipient", "resource_type", "quantity", "date", "source"),
        optional=("certainty",),
    ),
    # The programme's care ratios (staff per bed, by bed type): sourced facts; a bed type absent
    # is unknown, and a figure left empty is unknown.
    "care_ratios.csv": TableSpec(
        key=("bed_type",),
        required=("bed_type", "source"),
        optional=("doctors_per_bed", "nurses_per_bed", "counts"),
    ),
    "memberships.csv": TableSpec(
        key=("username", "role", "region"),
        required=("username", "role"),
        optional=("region",),
    ),
}

# Format 3 counts beds per bed type (`bed_columns`) and times snapshots (`reported_at`).
# Format 2 adds the running programme: facilities, teams, deployments, the ledger, contacts and
# daily reports. Their rows are a layer: loaded when new, replaced whole by a newer version.
OPERATIONS_SPECS: dict[str, TableSpec] = {
    "facilities.csv": TableSpec(
        key=("recipient", "name"),
        required=("recipient", "name"),
        # The facility's own staff per profession (`staff_icu_nurse`): optional in format 3.
        optional=("kind", *CAPACITY_COLUMNS, "ventilators", *STAFF_COLUMNS),
        operations=True,
        legacy=("beds", "icu_beds"),  # format 2: all beds, ICU included; and ICU beds
    ),
    "teams.csv": TableSpec(
        key=("donor", "name"),
        required=("donor", "name", "members"),
        optional=("emt_type", "leader", "home_institution"),
        operations=True,
    ),
    "facility_snapshots.csv": TableSpec(
        key=("recipient", "facility", "reported_at"),
        required=("recipient", "facility"),  # and reported_at from format 3 (format 2: date)
        optional=("reported_at", *SNAPSHOT_COLUMNS),
        operations=True,
        # format 2: a date, and all beds (ICU included) and ICU beds, open and occupied
        legacy=("date", "beds_available", "beds_occupied", "icu_available", "icu_occupied"),
    ),
    # A recipient region's community queue, counted by hand: patients waiting outside
    # hospitals for a bed of a type (operations.QueueEntry). Optional; new in format 3.
    "community_queue.csv": TableSpec(
        key=("recipient", "acuity", "recorded_at"),
        required=("recipient", "acuity", "waiting", "recorded_at"),
        operations=True,
    ),
    "deployments.csv": TableSpec(
        key=("donor", "team", "planned_start"),
        required=("donor", "team", "recipient", "status", "planned_start"),
        optional=(
            "facility",
            "planned_end",
            "dispatched_on",
            "arrived_on",
            "ended_on",
            "replaces_start",
            "replaces_team",
            "overlap_days",
            "request",
            "resource_type",
        ),
        operations=True,
    ),
    "requests.csv": TableSpec(
        key=("number",),
        required=("number", "recipient", "raised_on"),
        optional=("expires_on", "status", "note"),
        operations=True,
    ),
    "request_lines.csv": TableSpec(
        key=("request", "resource_type"),
        required=("request", "resource_type", "quantity"),
        optional=("priority", "needed_by"),
        operations=True,
    ),
    # A donor's offer of goods before anyone asks (operations.Offer), one row per lot: the
    # offer's own columns repeat on each of its rows. Optional; new in format 3.
    "offers.csv": TableSpec(
        key=("number", "resource_type"),
        required=("number", "donor", "available_from", "resource_type", "quantity"),
        optional=("available_until", "standing", "max_takes", "note"),
        operations=True,
    ),
    # Goods a donor sent ahead, before anyone asked (operations.PushDelivery): each row's state
    # (sent, accepted, declined, returned, redirected), not its steps. A redirected delivery's
    # goods go on in the row whose redirected_from names it. Optional; new in format 3.
    "push_deliveries.csv": TableSpec(
        key=("number",),
        required=("number", "donor", "recipient", "resource_type", "quantity", "dispatched_on"),
        optional=("status", "accepted_on", "redirected_from", "note"),
        operations=True,
    ),
    "pledges.csv": TableSpec(
        key=("request", "resource_type", "donor"),
        required=("request", "resource_type", "donor", "quantity", "pledged_on"),
        optional=("status", "note", "offer"),  # offer: the number of the offer it takes from
        operations=True,
    ),
    "shipments.csv": TableSpec(
        key=("request", "resource_type", "donor", "reference"),
        required=("request", "resource_type", "donor", "quantity", "status", "dispatched_on"),
        optional=(
            "reference",
            "received_on",
            "received_quantity",
            "value_cny",
            "discrepancy_kind",
            "discrepancy_quantity",
            "discrepancy_note",
        ),
        operations=True,
    ),
    # Projects under pairings (projects.Project; format 4, optional): one row per project with
    # its state (IATI activity status and the hand-over), not its steps. Its budget by funding
    # source, results and expenditures are tables of their own; its commitments and
    # disbursements are the rows of commitments.csv and disbursements.csv that name it.
    "projects.csv": TableSpec(
        key=("number",),
        required=("number", "donor", "recipient", "title", "sector", "location"),
        optional=(
            "status",
            "planned_start",
            "planned_end",
            "actual_start",
            "handed_over_on",
            "receiving_body",
            "handover_confirmed_on",
            "description",
        ),
        operations=True,
    ),
    "project_budgets.csv": TableSpec(
        key=("project", "funding_source"),
        required=("project", "funding_source", "amount"),
        operations=True,
    ),
    "project_results.csv": TableSpec(
        key=("project", "name"),
        required=("project", "name", "unit", "baseline", "target"),
        optional=("actual", "actual_on"),
        operations=True,
    ),
    "project_expenditures.csv": TableSpec(
        key=("project", "date", "amount", "description"),
        required=("project", "date", "amount"),
        optional=("description",),
        operations=True,
    ),
    "commitments.csv": TableSpec(
        key=("donor", "recipient", "year", "kind", "description"),
        required=("donor", "recipient", "year", "amount"),
        optional=("kind", "description", "project"),
        operations=True,
    ),
    "disbursements.csv": TableSpec(
        key=("donor", "recipient", "year", "kind", "commitment", "date", "reference", "amount"),
        required=("donor", "recipient", "year", "date", "amount"),
        optional=(
            "kind",
            "commitment",
            "reference",
            "request",
            "resource_type",
            "status",
            "received_on",
            "received_amount",
            "discrepancy_kind",
            "discrepancy_quantity",
            "discrepancy_note",
            "project",
        ),
        operations=True,
    ),
    "contacts.csv": TableSpec(
        key=("participant", "participant_role", "team", "facility", "name"),
        required=("participant", "participant_role", "name", "role"),
        optional=("team", "facility", "phone", "email"),
        operations=True,
    ),
    "reports.csv": TableSpec(
        key=("donor", "team", "date"),
        required=("donor", "team", "date"),
        optional=(
            *DailyReport.FIGURES,
            "shortages",
        ),
        operations=True,
    ),
    # Messages in a pair's thread (conversations.Message), e.g. the demo's illustrative talk
    # about a request; written through the conversations services with no author (a bundle
    # names no accounts) and telling no one (`services.load_message`). Optional: a bundle
    # without it loads as before.
    "messages.csv": TableSpec(
        key=("number",),
        required=("number", "donor", "recipient", "sent_at", "body"),
        operations=True,
    ),
}
SPECS.update(OPERATIONS_SPECS)
FORMAT_VERSIONS = (1, 2, 3, 4, 5, 6)
# Format 5 brought the manifest's programme.follows (a programme's previous phase).
PHASES_SINCE_FORMAT = 5
# Format 6 brought pairs at several levels: pairings.csv's parent_donor and parent_recipient.
LEVELS_SINCE_FORMAT = 6
# The tables (and columns of tables) a format brought, refused in a bundle of an earlier one.
SINCE_FORMAT_4 = (
    "projects.csv",
    "project_budgets.csv",
    "project_results.csv",
    "project_expenditures.csv",
)
FORMAT_VERSION = FORMAT_VERSIONS[-1]  # what exports write


class CellError(ValueError):
    """A cell that does not hold what its column expects; the message says what was expected."""


def decimal_text(text: str, *, minimum: Decimal | None = None, places: int = 4) -> str:
    """A decimal in canonical text: no exponent, no trailing zeros, at most `places` decimals."""
    try:
        value = Decimal(text.replace(",", "").replace("_", ""))
    except InvalidOperation:
        raise CellError(f"expected a number, got {text!r}") from None
    if not value.is_finite():
        raise CellError(f"expected a finite number, got {text!r}")
    if minimum is not None and value < minimum:
        raise CellError(f"must be >= {minimum}, got {text}")
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise CellError(f"at most {places} decimal places, got {text}")
    return canonical_decimal(value)


def coordinate_text(text: str, limit: int) -> str:
    """A latitude or longitude in degrees, rounded to 6 decimals (about 0.1 m)."""
    value = Decimal(decimal_text(text, places=12))
    if abs(value) > limit:
        raise CellError(f"must be between -{limit} and {limit}, got {text}")
    return canonical_decimal(value.quantize(Decimal("0.000001")))


def canonical_decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def whole_text(text: str) -> str:
    """A whole number >= 0 (a count) in canonical text."""
    if not text.isdecimal():
        raise CellError(f"expected a whole number >= 0, got {text!r}")
    return str(int(text))


def date_text(text: str) -> str:
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise CellError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def moment_text(text: str) -> str:
    """An ISO 8601 date and time with its UTC offset (2020-02-12T09:30+08:00), canonical."""
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise CellError(
            f"expected a date and time with its offset, e.g. 2020-02-12T09:30+08:00; got {text!r}"
        )
    return moment.isoformat()


# A programme's time zone and reporting deadline where a bundle names none: the model's defaults.
DEFAULT_TIME_ZONE = str(Programme._meta.get_field("time_zone").default)
DEFAULT_DEADLINE = Programme._meta.get_field("report_deadline").default.strftime("%H:%M")


def zone_text(text: str) -> str:
    if text not in zoneinfo.available_timezones():
        raise CellError(f"expected an IANA time zone name, e.g. Asia/Shanghai; got {text!r}")
    return text


def clock_text(text: str) -> str:
    """A time of day as HH:MM."""
    try:
        return datetime.time.fromisoformat(text).strftime("%H:%M")
    except ValueError:
        raise CellError(f"expected a time of day as HH:MM, got {text!r}") from None


def choice_text(text: str, choices: tuple[str, ...] | list[str]) -> str:
    if text not in choices:
        raise CellError(f"expected one of {', '.join(choices)}; got {text!r}")
    return text


def reference_text(text: str, default_country: str) -> str:
    """A region reference in full form (`registry.references`), the country completed."""
    try:
        return str(references.parse(text, country=default_country))
    except references.InvalidReference:
        raise CellError(f"expected {references.EXPECTED}, got {text.strip()!r}") from None


def version_tuple(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split("."))
    except ValueError:
        raise CellError(
            f"expected a version of dotted integers such as 2026.11.1, got {text!r}"
        ) from None
