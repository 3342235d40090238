"""A generated national-scale programme bundle for benchmarks and query-count tests.

    python benchmarks/national_programme.py PATH [--regions 3100] [--indicators 30]
                                                 [--pairings 3000] [--no-allocations]
                                                 [--operations PATH]

Builds on `bundle_load.generate` (country → 31 provinces → prefectures → counties, INDICATORS
dated values per region, every county a participant: the first half donors, the second half
recipients, each with one dated capacity or need line) and replaces its one-to-one pairings
with PAIRINGS active pairings laid out round-robin: donor i is paired with recipient i, then
i + 1, then i + 2 (modulo the number of recipients), so no donor or recipient has more than
three partners; the programme's rules allow three partners on either side, so the bundle
passes `pairaid scenario load`'s degree checks. Each pairing gets a stored split of its donor's
capacity (allocations.csv) unless `--no-allocations` is given. `--regions 3100` gives 3,101
regions, 2,790 participants (1,395 donors, 1,395 recipients) and, with 30 indicators, 93,000
dated values (the country row has none).

`--operations PATH` also writes a second bundle, an overlay of **synthetic** operations on the
programme (`generate_operations`: requests, pledges, shipments, teams, deployments, funds and
daily reports, every row generated and the overlay flagged illustrative), so that the gaps,
the funds and the reports have data to work on; it is loaded after the programme and sets
nothing in `facts/`.
"""

import argparse
import datetime
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bundle_load import _write, generate

SLUG = "national-benchmark"
MAX_PARTNERS = 3
# The generated operations run from the pairing's start to this date, the programme date the
# overlay's reports are written for (the dashboard shows the reports of its date).
OPERATIONS_DATE = datetime.date(2020, 2, 20)


def generate_national(
    folder: Path,
    *,
    regions: int = 3100,
    indicators: int = 30,
    pairings: int = 3000,
    allocations: bool = True,
    country: str = "CN",
    slug: str = SLUG,
    seed: int = 7,
    programme_date: datetime.date | None = None,
) -> dict[str, int]:
    """Write the bundle into FOLDER (which must not exist); returns its row counts.

    With `allocations`, every pairing gets a stored split (an even share of its donor's capacity,
    as an approved plan or `fill_missing_splits` would leave it); without, pages that evaluate the
    plan in force must derive the leximin split themselves."""
    counts = generate(folder, regions=regions, indicators=indicators, seed=seed)
    participants = _read_participants(folder / "participants.csv")
    donors = [code for code, role in participants if role == "donor"]
    recipients = [code for code, role in participants if role == "recipient"]
    n = min(len(donors), len(recipients))
    if n == 0:
        raise ValueError("the generated bundle has no donor or no recipient")
    if pairings > n * MAX_PARTNERS:
        raise ValueError(
            f"{pairings} pairings need more participants: at most {n * MAX_PARTNERS} "
            f"with {n} donors and {n} recipients"
        )
    pairs = [(donors[k % n], recipients[(k % n + k // n) % n]) for k in range(pairings)]
    _write(
        folder / "pairings.csv",
        ["donor", "recipient", "status", "valid_from", "origin", "source"],
        [[d, r, "active", "2020-02-10", "manual", "gen"] for d, r in pairs],
    )
    if allocations:
        _write_even_split(folder, pairs)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["country"] = country
    manifest["programme"]["slug"] = slug
    manifest["programme"]["rules"] = {
        "max_donors_per_recipient": MAX_PARTNERS,
        "max_recipients_per_donor": MAX_PARTNERS,
    }
    if programme_date is not None:
        manifest["programme"]["programme_date"] = programme_date.isoformat()
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    return {**counts, "pairings": len(pairs), "allocations": len(pairs) if allocations else 0}


def _write_even_split(folder: Path, pairs: list[tuple[str, str]]) -> None:
    """allocations.csv: each donor's capacity shared evenly (in whole staff) among its pairs."""
    capacity = {}
    for line in (folder / "capacities.csv").read_text(encoding="utf-8").splitlines()[1:]:
        region, _, quantity, *_ = line.split(",")
        capacity[region] = int(quantity)
    shares: dict[str, int] = {}
    for donor, _ in pairs:
        shares[donor] = shares.get(donor, 0) + 1
    _write(
        folder / "allocations.csv",
        ["donor", "recipient", "resource_type", "quantity", "date", "source", "certainty"],
        [
            [d, r, "medical_staff", str(capacity[d] // shares[d]), "2020-02-10", "gen", "derived"]
            for d, r in pairs
        ],
    )


GOODS = (  # resource, least and most asked for in one request line
    ("n95_mask", 5_000, 60_000),
    ("protective_suit", 2_000, 30_000),
    ("ventilator", 2, 40),
    ("surgical_mask", 10_000, 200_000),
    ("test_kit", 1_000, 50_000),
)
PROFESSIONS = ("doctor", "nurse", "icu_nurse", "respiratory_therapist")


def generate_operations(
    programme: Path, folder: Path, *, on: datetime.date = OPERATIONS_DATE, seed: int = 11
) -> dict[str, int]:
    """Write into FOLDER (which must not exist) an overlay of synthetic operations on the
    programme bundle PROGRAMME, as of the date ON; returns its row counts.

    Per recipient: two requests of two or three goods each (one in ten withdrawn, one in ten
    expired), each line pledged by one of its partner donors, for part or all of it, and each
    pledge shipped (most received, some short, the rest in transit); per donor: one team,
    deployed to its first partner (one in ten ended, one in ten not yet arrived), and a daily
    report of each day on duty but the last for one team in five (overdue); per pairing: a cash
    commitment with one disbursement, received or in transit. Every figure comes from a seeded
    random generator: nothing here is a fact."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    pairs = [
        (donor, recipient)
        for donor, recipient, *_ in (
            line.split(",")
            for line in (programme / "pairings.csv").read_text(encoding="utf-8").splitlines()[1:]
        )
    ]
    partners: dict[str, list[str]] = {}
    for donor, recipient in pairs:
        partners.setdefault(recipient, []).append(donor)
    start = datetime.date(2020, 2, 10)
    tables = _Operations()
    for recipient, donors in partners.items():
        _requests_of(rng, tables, recipient, donors, start, on)
    first_partner = {}
    for donor, recipient in pairs:
        first_partner.setdefault(donor, recipient)
    for donor, recipient in first_partner.items():
        _team_of(rng, tables, donor, recipient, start, on)
    for year_index, (donor, recipient) in enumerate(pairs):
        amount = rng.randint(1, 50) * 100_000
        tables.commitments.append([donor, recipient, "2020", "cash", str(amount)])
        received = year_index % 2 == 0
        tables.disbursements.append(
            [
                donor,
                recipient,
                "2020",
                "cash",
                (start + datetime.timedelta(days=rng.randint(1, 5))).isoformat(),
                str(amount // 2),
                "received" if received else "disbursed",
                (start + datetime.timedelta(days=7)).isoformat() if received else "",
                str(amount // 2) if received else "",
            ]
        )
    tables.write(folder)
    manifest = {
        "format_version": 2,
        "kind": "overlay",
        "name": f"{SLUG}-operations",
        "base_programme": SLUG,
        "illustrative": True,
        "data_version": "1",
        "country": "CN",
        "description": (
            "Synthetic operations for the load benchmark (benchmarks/national_programme.py): "
            "generated by a seeded random generator, not facts."
        ),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return tables.counts()


class _Operations:
    """The overlay's rows, table by table."""

    def __init__(self) -> None:
        self.requests: list[list[str]] = []
        self.lines: list[list[str]] = []
        self.pledges: list[list[str]] = []
        self.shipments: list[list[str]] = []
        self.teams: list[list[str]] = []
        self.deployments: list[list[str]] = []
        self.reports: list[list[str]] = []
        self.commitments: list[list[str]] = []
        self.disbursements: list[list[str]] = []

    def write(self, folder: Path) -> None:
        _write(
            folder / "sources.csv",
            ["key", "title", "kind", "method"],
            [["gen-ops", "synthetic operations for a benchmark", "derived", "random.Random(11)"]],
        )
        tables = {
            "requests.csv": (
                ["number", "recipient", "raised_on", "expires_on", "status"],
                self.requests,
            ),
            "request_lines.csv": (["request", "resource_type", "quantity", "priority"], self.lines),
            "pledges.csv": (
                ["request", "resource_type", "donor", "quantity", "pledged_on"],
                self.pledges,
            ),
            "shipments.csv": (
                [
                    "request",
                    "resource_type",
                    "donor",
                    "quantity",
                    "status",
                    "dispatched_on",
                    "reference",
                    "received_on",
                    "received_quantity",
                    "discrepancy_kind",
                    "discrepancy_quantity",
                ],
                self.shipments,
            ),
            "teams.csv": (["donor", "name", "members", "emt_type"], self.teams),
            "deployments.csv": (
                [
                    "donor",
                    "team",
                    "recipient",
                    "status",
                    "planned_start",
                    "dispatched_on",
                    "arrived_on",
                    "ended_on",
                ],
                self.deployments,
            ),
            "reports.csv": (
                [
                    "donor",
                    "team",
                    "date",
                    "patients_seen",
                    "admitted",
                    "severe",
                    "critical",
                    "recovered",
                    "deaths",
                    "staff_on_duty",
                ],
                self.reports,
            ),
            "commitments.csv": (
                ["donor", "recipient", "year", "kind", "amount"],
                self.commitments,
            ),
            "disbursements.csv": (
                [
                    "donor",
                    "recipient",
                    "year",
                    "kind",
                    "date",
                    "amount",
                    "status",
                    "received_on",
                    "received_amount",
                ],
                self.disbursements,
            ),
        }
        for name, (header, rows) in tables.items():
            _write(folder / name, header, rows)

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in vars(self).items()}


def _requests_of(
    rng: random.Random,
    tables: _Operations,
    recipient: str,
    donors: list[str],
    start: datetime.date,
    on: datetime.date,
) -> None:
    """Two requests of the recipient, their lines pledged by its partners and shipped."""
    for _ in range(2):
        number = len(tables.requests) + 1
        raised = start + datetime.timedelta(days=rng.randint(0, 6))
        fate = rng.random()
        status = "withdrawn" if fate < 0.1 else "open"
        expires = (raised + datetime.timedelta(days=3)).isoformat() if 0.1 <= fate < 0.2 else ""
        tables.requests.append([str(number), recipient, raised.isoformat(), expires, status])
        for resource, least, most in rng.sample(GOODS, rng.randint(2, 3)):
            quantity = rng.randint(least, most)
            priority = rng.choice(("urgent", "high", "normal"))
            tables.lines.append([str(number), resource, str(quantity), priority])
            donor = rng.choice(donors)
            pledged = quantity if rng.random() < 0.5 else max(1, quantity * rng.randint(3, 9) // 10)
            pledged_on = raised + datetime.timedelta(days=1)
            tables.pledges.append(
                [str(number), resource, donor, str(pledged), pledged_on.isoformat()]
            )
            _shipment_of(rng, tables, number, resource, donor, pledged, pledged_on, on)


def _shipment_of(
    rng: random.Random,
    tables: _Operations,
    number: int,
    resource: str,
    donor: str,
    quantity: int,
    pledged_on: datetime.date,
    on: datetime.date,
) -> None:
    dispatched = pledged_on + datetime.timedelta(days=rng.randint(0, 2))
    row = [str(number), resource, donor, str(quantity)]
    reference = f"GEN-{number}-{resource}"
    arrival = dispatched + datetime.timedelta(days=rng.randint(1, 4))
    if arrival > on or rng.random() < 0.3:
        tables.shipments.append(
            [*row, "in_transit", dispatched.isoformat(), reference, "", "", "", ""]
        )
        return
    short = quantity // 20 if rng.random() < 0.15 else 0
    tables.shipments.append(
        [
            *row,
            "received",
            dispatched.isoformat(),
            reference,
            arrival.isoformat(),
            str(quantity - short),
            "short" if short else "",
            str(short) if short else "",
        ]
    )


def _team_of(
    rng: random.Random,
    tables: _Operations,
    donor: str,
    recipient: str,
    start: datetime.date,
    on: datetime.date,
) -> None:
    """The donor's team, deployed to its first partner, and its daily reports."""
    name = f"Team of {donor} (synthetic)"
    members = ";".join(f"{p}:{rng.randint(5, 80)}" for p in rng.sample(PROFESSIONS, 2))
    tables.teams.append([donor, name, members, "emt2"])
    dispatched = start + datetime.timedelta(days=rng.randint(0, 3))
    fate = rng.random()
    arrived = dispatched + datetime.timedelta(days=1)
    ended = arrived + datetime.timedelta(days=5) if fate < 0.1 else None
    if fate > 0.9:  # still travelling
        tables.deployments.append(
            [
                donor,
                name,
                recipient,
                "dispatched",
                dispatched.isoformat(),
                dispatched.isoformat(),
                "",
                "",
            ]
        )
        return
    tables.deployments.append(
        [
            donor,
            name,
            recipient,
            "ended" if ended else "arrived",
            dispatched.isoformat(),
            dispatched.isoformat(),
            arrived.isoformat(),
            ended.isoformat() if ended else "",
        ]
    )
    last = min(on, ended or on)
    if ended is None and rng.random() < 0.2:
        last -= datetime.timedelta(days=1)  # overdue: no report for the programme date
    day = arrived
    while day <= last:
        seen = rng.randint(20, 200)
        tables.reports.append(
            [
                donor,
                name,
                day.isoformat(),
                str(seen),
                str(seen // 5),
                str(seen // 10),
                str(seen // 30),
                str(rng.randint(0, seen // 4)),
                str(rng.randint(0, 2)),
                str(rng.randint(10, 150)),
            ]
        )
        day += datetime.timedelta(days=1)


def _read_participants(path: Path) -> list[tuple[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return [(code, role) for code, role in (line.split(",") for line in lines if line)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("path", type=Path, help="folder to create")
    parser.add_argument("--regions", type=int, default=3100)
    parser.add_argument("--indicators", type=int, default=30)
    parser.add_argument("--pairings", type=int, default=3000)
    parser.add_argument(
        "--no-allocations", action="store_true", help="leave the pairings without a stored split"
    )
    parser.add_argument(
        "--operations", type=Path, help="also write an overlay of synthetic operations here"
    )
    args = parser.parse_args()
    counts = generate_national(
        args.path,
        regions=args.regions,
        indicators=args.indicators,
        pairings=args.pairings,
        allocations=not args.no_allocations,
        programme_date=OPERATIONS_DATE if args.operations else None,
    )
    if args.operations:
        counts.update(generate_operations(args.path, args.operations))
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
