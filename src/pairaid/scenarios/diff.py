"""What loading a bundle would change, table by table, in words a coordinator can read."""

from dataclasses import dataclass, field

from pairaid.scenarios.validate import Key

Rows = dict[Key, dict[str, str]]


@dataclass
class TableChange:
    table: str
    added: list[Key] = field(default_factory=list)
    changed: list[tuple[Key, list[tuple[str, str, str]]]] = field(default_factory=list)
    removed: list[Key] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def summary(self, *, examples: int = 3) -> list[str]:
        lines = []
        if self.added:
            lines.append(f"{self.table}: {len(self.added)} added")
        for key, columns in self.changed[:examples]:
            described = "; ".join(f"{col} {old!r} → {new!r}" for col, old, new in columns)
            lines.append(f"{self.table}: {' / '.join(k for k in key if k)}: {described}")
        if len(self.changed) > examples:
            lines.append(f"{self.table}: … and {len(self.changed) - examples} more changed")
        if self.removed:
            lines.append(f"{self.table}: {len(self.removed)} removed")
        return lines


def compare(table: str, wanted: Rows, current: Rows, *, removals: bool) -> TableChange:
    """Rows to add, change (column, old, new) and, for programme-scoped tables, remove."""
    change = TableChange(table)
    for key, values in wanted.items():
        existing = current.get(key)
        if existing is None:
            change.added.append(key)
            continue
        columns = [
            (column, existing.get(column, ""), value)
            for column, value in values.items()
            if existing.get(column, "") != value
        ]
        if columns:
            change.changed.append((key, columns))
    if removals:
        change.removed = [key for key in current if key not in wanted]
    return change
