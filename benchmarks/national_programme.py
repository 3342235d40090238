"""A generated national-scale programme bundle for benchmarks and query-count tests.

    python benchmarks/national_programme.py PATH [--regions 3100] [--indicators 30]
                                                 [--pairings 3000] [--no-allocations]

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
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bundle_load import _write, generate

SLUG = "national-benchmark"
MAX_PARTNERS = 3


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
    args = parser.parse_args()
    counts = generate_national(
        args.path,
        regions=args.regions,
        indicators=args.indicators,
        pairings=args.pairings,
        allocations=not args.no_allocations,
    )
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
