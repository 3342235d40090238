"""The bundled programmes, loaded once per test module instead of once per test.

Loading hubei-2020 (with its daily series) costs about a second, and nearly every database test
needs it: loaded per test, the loads were most of the suite's time. So a module's database tests
share one load, made inside a transaction that stays open for the module: each test runs in a
savepoint within it (pytest-django's `db` nests its transaction), and the module's end rolls the
load back, leaving the database as it found it.

A transactional test (`django_db(transaction=True)`) commits for real, and cannot run inside
that open transaction: for it, and whenever no shelf is open, the fixtures load the bundle the
ordinary way, inside the test. pytest-django runs all transactional tests after the others, so
the two never interleave within a module's run; the shelf is closed before the first of them
all the same (`close_unless_next_wants_it`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

# The fixtures whose bundles the shelf holds, and the bundle each needs (people needs both).
BUNDLES_OF_FIXTURE: dict[str, tuple[str, ...]] = {
    "hubei": ("hubei-2020",),
    "wenchuan": ("wenchuan-2008",),
}


def is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return bool(
        (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or "transactional_db" in names
        or "live_server" in names
    )


def uses_shelf(item: pytest.Item) -> bool:
    """Whether a test runs inside its module's shelf: one that asks for it, and not
    transactional (a transactional test loads its own bundles, and commits them)."""
    return "_bundle_shelf" in getattr(item, "fixturenames", ()) and not is_transactional(item)


def bundles_wanted(item: pytest.Item) -> set[str]:
    """The bundles a test's fixtures load from the shelf."""
    if not uses_shelf(item):
        return set()
    names = getattr(item, "fixturenames", ())
    return {slug for name in names for slug in BUNDLES_OF_FIXTURE.get(name, ())}


@dataclass
class Shelf:
    """One module's loaded bundles, and the open transaction that holds them."""

    module: Any
    atomic: Any
    slugs: set[str] = field(default_factory=set)


class BundleShelves:
    """At most one shelf is open at a time: the current module's."""

    def __init__(self) -> None:
        self.current: Shelf | None = None

    def open_for(self, item: pytest.Item, module_items: list[pytest.Item]) -> None:
        """Open the shelf of `item`'s module, holding every bundle its non-transactional tests
        want, unless it is open already."""
        from django.db import transaction

        from pairaid.scenarios import services as scenario_services

        if not uses_shelf(item):
            return
        if self.current is not None and self.current.module is item.module:
            return
        self.close()
        slugs = set().union(*(bundles_wanted(other) for other in module_items))
        atomic = transaction.atomic()
        atomic.__enter__()
        self.current = Shelf(module=item.module, atomic=atomic)
        for slug in sorted(slugs):
            scenario_services.load_bundle(slug)
        self.current.slugs = slugs

    def ensure(self, slug: str) -> None:
        """Load a bundle onto the open shelf, for a module fixture that builds on it (from a
        test's own fixture it would be rolled back with the test)."""
        from pairaid.scenarios import services as scenario_services

        if self.current is None:
            raise RuntimeError("no shelf is open: ask for _bundle_shelf in a database test")
        if slug not in self.current.slugs:
            scenario_services.load_bundle(slug)
            self.current.slugs.add(slug)

    def holds(self, item: pytest.Item, slug: str) -> bool:
        return (
            self.current is not None
            and self.current.module is item.module
            and slug in self.current.slugs
            and uses_shelf(item)
        )

    def close(self) -> None:
        """Roll the module's loads back."""
        from django.db import transaction

        if self.current is None:
            return
        shelf, self.current = self.current, None
        transaction.set_rollback(True)
        shelf.atomic.__exit__(None, None, None)

    def close_unless_next_wants_it(self, nextitem: pytest.Item | None) -> None:
        if self.current is None:
            return
        if (
            nextitem is None
            or nextitem.module is not self.current.module
            or not uses_shelf(nextitem)
        ):
            self.close()
