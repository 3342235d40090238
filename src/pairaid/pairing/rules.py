"""Programme rules over a set of pairings, as plain data so the loader and services share them."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class RuleViolation:
    rule: str
    region: str
    count: int
    limit: int

    def __str__(self) -> str:
        if self.rule == "max_donors_per_recipient":
            return (
                f"recipient {self.region} has {self.count} donors; the programme allows at most "
                f"{self.limit} (max_donors_per_recipient)"
            )
        return (
            f"donor {self.region} serves {self.count} recipients; the programme allows at most "
            f"{self.limit} (max_recipients_per_donor)"
        )


def degree_violations(
    pairs: Iterable[tuple[str, str]],
    *,
    max_donors_per_recipient: int | None,
    max_recipients_per_donor: int | None,
) -> list[RuleViolation]:
    """Name every donor and recipient whose number of (non-ended) pairings breaks a limit."""
    unique_pairs = set(pairs)
    per_recipient = Counter(recipient for _, recipient in unique_pairs)
    per_donor = Counter(donor for donor, _ in unique_pairs)
    violations: list[RuleViolation] = []
    if max_donors_per_recipient is not None:
        violations += [
            RuleViolation("max_donors_per_recipient", region, count, max_donors_per_recipient)
            for region, count in sorted(per_recipient.items())
            if count > max_donors_per_recipient
        ]
    if max_recipients_per_donor is not None:
        violations += [
            RuleViolation("max_recipients_per_donor", region, count, max_recipients_per_donor)
            for region, count in sorted(per_donor.items())
            if count > max_recipients_per_donor
        ]
    return violations
