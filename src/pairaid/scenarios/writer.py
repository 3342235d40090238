"""Apply validated bundle records to the database (called inside one transaction)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models
from simple_history.utils import bulk_create_with_history

from pairaid.accounts.models import Membership, User
from pairaid.errors import Problem, ValidationFailed
from pairaid.operations.models import CareRatio
from pairaid.pairing.models import AllocationLine, Pairing
from pairaid.programmes.models import (
    CapacityLine,
    NeedLine,
    Participant,
    Programme,
    phase_link_problems,
)
from pairaid.registry.models import (
    IndicatorType,
    Region,
    RegionalIndicator,
    RegionRename,
    ResourceType,
    Source,
)
from pairaid.scenarios.bulk_rows import insert_with_history
from pairaid.scenarios.diff import TableChange
from pairaid.scenarios.validate import Key, ParsedBundle

Progress = Callable[[str, int], None]
BATCH = 500


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _decimal(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def _int(text: str) -> int | None:
    return int(text) if text else None


@dataclass
class Lookups:
    """Caches from natural keys to rows, so no query runs inside a row loop."""

    sources: dict[str, Source]
    regions: dict[str, Region]
    indicators: dict[str, IndicatorType]
    resources: dict[str, ResourceType]

    @classmethod
    def load(cls) -> "Lookups":
        regions = Region.objects.select_related("parent")
        return cls(
            sources={s.key: s for s in Source.objects.all()},
            regions={r.reference: r for r in regions},
            indicators={i.code: i for i in IndicatorType.objects.all()},
            resources={r.code: r for r in ResourceType.objects.all()},
        )


ModelT = TypeVar("ModelT", bound=models.Model)


def _save_changes(
    model: type[ModelT],
    rows: Iterable[tuple[ModelT | None, dict[str, Any]]],
) -> list[ModelT]:
    """Create new rows in bulk (with history) and save changed ones one by one."""
    created: list[ModelT] = []
    for existing, fields in rows:
        if existing is None:
            created.append(model(**fields))
            continue
        changed = [name for name, value in fields.items() if getattr(existing, name) != value]
        if changed:
            for name in changed:
                setattr(existing, name, fields[name])
            existing.save()
    if created:
        bulk_create_with_history(created, model, batch_size=BATCH)
    return created


def _attnames(fields: dict[str, Any]) -> dict[str, Any]:
    """A row's fields by column attname: a related object by its id (`region_id`)."""
    row = {}
    for name, value in fields.items():
        if isinstance(value, models.Model):
            row[f"{name}_id"] = value.pk
        else:
            row[name] = value
    return row


def _level_pairings(programme: Programme) -> dict[tuple[str, str], Pairing]:
    """The programme's own-level pairings of record by pair, the latest of each pair: what a
    child row's parent_donor and parent_recipient name (as the validator reads them)."""
    found: dict[tuple[str, str], Pairing] = {}
    level = (
        programme.pairings.of_record()
        .top_level()
        .select_related("donor__region__parent", "recipient__region__parent")
        .order_by("valid_from", "pk")
    )
    for pairing in level:
        found[(pairing.donor.region.reference, pairing.recipient.region.reference)] = pairing
    return found


class Writer:
    def __init__(
        self, parsed: ParsedBundle, changes: dict[str, TableChange], progress: Progress
    ) -> None:
        self.parsed = parsed
        self.changes = changes
        self.progress = progress
        self.lookups = Lookups.load()
        self.illustrative = parsed.illustrative

    def rows(self, table: str) -> dict[Key, dict[str, str]]:
        return {key: record.values for key, record in self.parsed.tables.get(table, {}).items()}

    def touched(self, table: str) -> set[Key]:
        change = self.changes.get(table)
        if change is None:
            return set()
        return set(change.added) | {key for key, _ in change.changed}

    def write(self) -> Programme:
        self.write_sources()
        self.write_regions()
        self.write_renames()
        programme = self.write_programme()
        self.write_indicators()
        self.remove_dropped(programme)
        participants = self.write_participants(programme)
        self.write_lines("capacities.csv", CapacityLine, participants, "donor")
        self.write_lines("needs.csv", NeedLine, participants, "recipient")
        pairings = self.write_pairings(programme, participants)
        self.write_allocations(pairings)
        self.write_care_ratios(programme)
        self.write_memberships(programme)
        return programme

    def write_sources(self) -> None:
        touched = self.touched("sources.csv")
        rows = [
            (
                self.lookups.sources.get(key[0]),
                {
                    "key": v["key"],
                    "title": v["title"],
                    "issuer": v["issuer"],
                    "date": _date(v["date"]),
                    "url": v["url"],
                    "kind": v["kind"],
                    "method": v["method"],
                },
            )
            for key, v in self.rows("sources.csv").items()
            if key in touched
        ]
        _save_changes(Source, rows)
        self.lookups.sources = {s.key: s for s in Source.objects.all()}
        self.progress("sources", len(rows))

    def write_regions(self) -> None:
        touched = self.touched("regions.csv")
        pending = [v for key, v in self.rows("regions.csv").items() if key in touched]
        # Create parents before children: each pass writes the regions whose parent exists.
        while pending:
            ready = [v for v in pending if not v["parent"] or v["parent"] in self.lookups.regions]
            if not ready:
                raise RuntimeError("regions.csv: a parent cycle slipped through validation")
            rows = [
                (self.lookups.regions.get(v["reference"]), self.region_fields(v)) for v in ready
            ]
            for region in _save_changes(Region, rows):
                self.lookups.regions[region.reference] = region
            for existing, _ in rows:
                if existing is not None:
                    self.lookups.regions[existing.reference] = existing
            pending = [v for v in pending if v not in ready]
            self.progress("regions", len(ready))

    def region_fields(self, v: dict[str, str]) -> dict[str, Any]:
        return {
            "country": v["country"],
            "code": v["code"],
            "parent": self.lookups.regions.get(v["parent"]) if v["parent"] else None,
            "level": v["level"],
            "name_zh": v["name_zh"],
            "name_en": v["name_en"],
            "name_en_certainty": v["name_en_certainty"],
            "latitude": _decimal(v["latitude"]),
            "longitude": _decimal(v["longitude"]),
            "coordinates_source": self.lookups.sources.get(v["coordinates_source"]),
            "source": self.lookups.sources[v["source"]],
            "certainty": v["certainty"],
        }

    def write_renames(self) -> None:
        touched = self.touched("region_renames.csv")
        existing: dict[Key, RegionRename] = {
            (r.region.reference, r.new_code): r
            for r in RegionRename.objects.select_related("region__parent")
        }
        rows = [
            (
                existing.get(key),
                {
                    "region": self.lookups.regions[v["region"]],
                    "new_code": v["new_code"],
                    "new_name_zh": v["new_name_zh"],
                    "new_name_en": v["new_name_en"],
                    "date": _date(v["date"]),
                    "source": self.lookups.sources[v["source"]],
                },
            )
            for key, v in self.rows("region_renames.csv").items()
            if key in touched
        ]
        _save_changes(RegionRename, rows)

    def write_programme(self) -> Programme:
        if self.parsed.kind == "overlay":
            return Programme.objects.get(slug=self.parsed.base_programme)
        v = self.parsed.programme
        fields = {
            "name_en": v["name_en"],
            "name_zh": v["name_zh"],
            "kind": v["kind"],
            "period_start": _date(v["period_start"]),
            "period_end": _date(v["period_end"]),
            "currency": v["currency"],
            "status": v["status"],
            "programme_date": _date(v["programme_date"]),
            "description_en": v["description_en"],
            "description_zh": v["description_zh"],
            "max_donors_per_recipient": _int(v["max_donors_per_recipient"]),
            "max_recipients_per_donor": _int(v["max_recipients_per_donor"]),
            "pledges_beyond_pairs": v["pledges_beyond_pairs"] == "true",
            "min_contribution_share": _decimal(v["min_contribution_share"]),
            "min_contribution_indicator": self.lookups.indicators.get(
                v["min_contribution_indicator"]
            ),
            "min_contribution_basis": v["min_contribution_basis"],
            "need_indicator": self.lookups.indicators.get(v["need_indicator"]),
            "need_ratio": _decimal(v["need_ratio"]),
            "time_zone": v["time_zone"],
            "report_deadline": time.fromisoformat(v["report_deadline"]),
        }
        programme, created = Programme.objects.get_or_create(slug=v["slug"], defaults=fields)
        if not created and self.changes.get("programme") and not self.changes["programme"].empty:
            for name, value in fields.items():
                setattr(programme, name, value)
            programme.save()
        keys = [k for k in v["sources"].split(";") if k]
        programme.sources.set([self.lookups.sources[k] for k in keys])
        self.write_phase_link(programme)
        scope = [self.lookups.regions[key[0]] for key in self.rows("regions.csv")]
        programme.regions.add(*scope)
        return programme

    def write_phase_link(self, programme: Programme) -> None:
        """Link the programme to its previous phase, if that one is loaded (`_changes` has
        blanked the link otherwise and the load report says so); the link's rules refuse the
        whole load, naming the manifest field."""
        v = self.parsed.programme
        earlier = Programme.objects.filter(slug=v["follows"]).first() if v["follows"] else None
        source = self.lookups.sources.get(v["follows_source"]) if earlier else None
        problems = phase_link_problems(programme, earlier, source)
        if problems:
            raise ValidationFailed(
                [Problem(p, file="manifest.json", column="programme.follows") for p in problems]
            )
        if (programme.follows, programme.follows_source) != (earlier, source):
            programme.follows, programme.follows_source = earlier, source
            programme.save(update_fields=["follows", "follows_source"])

    def write_indicators(self) -> None:
        touched = self.touched("indicators.csv")
        wanted = {key: v for key, v in self.rows("indicators.csv").items() if key in touched}
        if not wanted:
            return
        region_ids = {self.lookups.regions[v["region"]].pk for v in wanted.values()}
        existing: dict[Key, RegionalIndicator] = {
            (i.region.reference, i.indicator.code, i.as_of.isoformat()): i
            for i in RegionalIndicator.objects.filter(region_id__in=region_ids).select_related(
                "region__parent", "indicator"
            )
        }
        changed = [
            (existing[key], self.indicator_fields(v))
            for key, v in wanted.items()
            if key in existing
        ]
        _save_changes(RegionalIndicator, changed)
        # A daily series brings thousands of new figures: inserted in a few statements, their
        # fields by attname (`region_id`), as no model instance is built for them.
        new = [
            _attnames(self.indicator_fields(v)) for key, v in wanted.items() if key not in existing
        ]
        insert_with_history(RegionalIndicator, new, key=("region_id", "indicator_id", "as_of"))
        self.progress("indicators", len(wanted))

    def indicator_fields(self, v: dict[str, str]) -> dict[str, Any]:
        return {
            "region": self.lookups.regions[v["region"]],
            "indicator": self.lookups.indicators[v["indicator"]],
            "value": Decimal(v["value"]),
            "as_of": _date(v["as_of"]),
            "source": self.lookups.sources[v["source"]],
            "certainty": v["certainty"],
            "illustrative": self.illustrative,
        }

    def remove_dropped(self, programme: Programme) -> None:
        """Delete the programme rows a newer bundle no longer has, children first."""
        scope = Pairing.objects.filter(
            programme=programme, illustrative=self.illustrative
        ).of_record()
        for key in self._removed("allocations.csv"):
            AllocationLine.objects.filter(
                pairing__in=self._pairings_of(scope, key[0], key[1]),
                resource_type__code=key[2],
                date=key[3],
            ).delete()
        for key in self._removed("pairings.csv"):
            self._pairings_of(scope, key[0], key[1]).filter(valid_from=_date(key[2])).delete()
        for table, model in (("capacities.csv", CapacityLine), ("needs.csv", NeedLine)):
            for key in self._removed(table):
                model.objects.filter(
                    participant__programme=programme,
                    participant__region=self.lookups.regions[key[0]],
                    resource_type__code=key[1],
                    as_of=key[2],
                    illustrative=self.illustrative,
                ).delete()
        for key in self._removed("care_ratios.csv"):
            CareRatio.objects.filter(programme=programme, bed_type=key[0]).delete()
        for key in self._removed("participants.csv"):
            Participant.objects.filter(
                programme=programme, region=self.lookups.regions[key[0]], role=key[1]
            ).delete()

    def _removed(self, table: str) -> list[Key]:
        change = self.changes.get(table)
        return change.removed if change else []

    def _pairings_of(self, scope: Any, donor: str, recipient: str) -> Any:
        return scope.filter(
            donor__region=self.lookups.regions[donor],
            recipient__region=self.lookups.regions[recipient],
        )

    def write_participants(self, programme: Programme) -> dict[tuple[str, str], Participant]:
        existing: dict[Key, Participant] = {
            (p.region.reference, p.role): p
            for p in programme.participants.select_related("region__parent")
        }
        touched = self.touched("participants.csv")
        rows = [
            (
                existing.get(key),
                {
                    "programme": programme,
                    "region": self.lookups.regions[v["region"]],
                    "role": v["role"],
                    "note": v["note"],
                    "illustrative": self.illustrative,
                },
            )
            for key, v in self.rows("participants.csv").items()
            if key in touched
        ]
        _save_changes(Participant, rows)
        self.progress("participants", len(rows))
        return {
            (p.region.reference, p.role): p
            for p in programme.participants.select_related("region__parent")
        }

    def write_lines(
        self,
        table: str,
        model: type[CapacityLine] | type[NeedLine],
        participants: dict[tuple[str, str], Participant],
        role: str,
    ) -> None:
        touched = self.touched(table)
        wanted = {key: v for key, v in self.rows(table).items() if key in touched}
        if not wanted:
            return
        programme_ids = {p.programme_id for p in participants.values()}
        existing: dict[Key, CapacityLine | NeedLine] = {
            (
                line.participant.region.reference,
                line.resource_type.code,
                line.as_of.isoformat(),
            ): line
            for line in model.objects.filter(
                participant__programme_id__in=programme_ids
            ).select_related("participant__region__parent", "resource_type")
        }
        rows = [
            (
                existing.get(key),
                {
                    "participant": participants[(v["region"], role)],
                    "resource_type": self.lookups.resources[v["resource_type"]],
                    "quantity": Decimal(v["quantity"]),
                    "as_of": _date(v["as_of"]),
                    "source": self.lookups.sources[v["source"]],
                    "certainty": v["certainty"],
                    "derived_indicator": self.lookups.indicators.get(v["derived_indicator"]),
                    "derived_ratio": _decimal(v["derived_ratio"]),
                    "method": v["method"],
                    "illustrative": self.illustrative,
                },
            )
            for key, v in wanted.items()
        ]
        _save_changes(model, rows)
        self.progress(table.removesuffix(".csv"), len(rows))

    def write_pairings(
        self, programme: Programme, participants: dict[tuple[str, str], Participant]
    ) -> dict[tuple[str, str], Pairing]:
        existing: dict[Key, Pairing] = {
            (
                p.donor.region.reference,
                p.recipient.region.reference,
                p.valid_from.isoformat() if p.valid_from else "",
            ): p
            # Of record only: a run's proposal may name the same pair and date as a historical
            # pairing, and must never stand in for it.
            for p in programme.pairings.of_record().select_related(
                "donor__region__parent", "recipient__region__parent"
            )
        }
        touched = self.touched("pairings.csv")
        wanted = {key: v for key, v in self.rows("pairings.csv").items() if key in touched}
        # The programme's own level first: a child pairing names its parent by its pair.
        rows = [
            (existing.get(key), self.pairing_fields(programme, participants, v, None))
            for key, v in wanted.items()
            if not v.get("parent_donor")
        ]
        _save_changes(Pairing, rows)
        parents = _level_pairings(programme)
        children = [
            (
                existing.get(key),
                self.pairing_fields(
                    programme, participants, v, parents[(v["parent_donor"], v["parent_recipient"])]
                ),
            )
            for key, v in wanted.items()
            if v.get("parent_donor")
        ]
        _save_changes(Pairing, children)
        rows += children
        self.progress("pairings", len(rows))
        # Allocation lines name a pair: its pairing that has not ended is meant, else the latest.
        by_pair: dict[tuple[str, str], Pairing] = {}
        ordered = (
            programme.pairings.of_record()
            .select_related("donor__region__parent", "recipient__region__parent")
            .order_by("status", "valid_from")
        )
        for pairing in ordered:
            pair = (pairing.donor.region.reference, pairing.recipient.region.reference)
            if pair not in by_pair or by_pair[pair].status == Pairing.Status.ENDED:
                by_pair[pair] = pairing
        return by_pair

    def pairing_fields(
        self,
        programme: Programme,
        participants: dict[tuple[str, str], Participant],
        v: dict[str, str],
        parent: Pairing | None,
    ) -> dict[str, Any]:
        return {
            "programme": programme,
            "donor": participants[(v["donor"], "donor")],
            "recipient": participants[(v["recipient"], "recipient")],
            "status": v["status"],
            "valid_from": _date(v["valid_from"]),
            "valid_to": _date(v["valid_to"]),
            "origin": v["origin"],
            "rationale": v["rationale"],
            "source": self.lookups.sources.get(v["source"]),
            "certainty": v["certainty"],
            "illustrative": self.illustrative,
            "parent": parent,
        }

    def write_allocations(self, pairings: dict[tuple[str, str], Pairing]) -> None:
        touched = self.touched("allocations.csv")
        wanted = {key: v for key, v in self.rows("allocations.csv").items() if key in touched}
        if not wanted:
            return
        existing: dict[Key, AllocationLine] = {
            (
                a.pairing.donor.region.reference,
                a.pairing.recipient.region.reference,
                a.resource_type.code,
                a.date.isoformat(),
            ): a
            for a in AllocationLine.objects.filter(
                pairing__in=list(pairings.values())
            ).select_related(
                "pairing__donor__region__parent",
                "pairing__recipient__region__parent",
                "resource_type",
            )
        }
        rows = [
            (
                existing.get(key),
                {
                    "pairing": pairings[(v["donor"], v["recipient"])],
                    "resource_type": self.lookups.resources[v["resource_type"]],
                    "quantity": Decimal(v["quantity"]),
                    "date": _date(v["date"]),
                    "source": self.lookups.sources[v["source"]],
                    "certainty": v["certainty"],
                    "illustrative": self.illustrative,
                },
            )
            for key, v in wanted.items()
        ]
        _save_changes(AllocationLine, rows)

    def write_care_ratios(self, programme: Programme) -> None:
        for key, v in self.rows("care_ratios.csv").items():
            if key not in self.touched("care_ratios.csv"):
                continue
            CareRatio.objects.update_or_create(
                programme=programme,
                bed_type=v["bed_type"],
                defaults={
                    "doctors_per_bed": _decimal(v["doctors_per_bed"]),
                    "nurses_per_bed": _decimal(v["nurses_per_bed"]),
                    "counts": v["counts"],
                    "source": self.lookups.sources[v["source"]],
                },
            )

    def write_memberships(self, programme: Programme) -> None:
        for key, v in self.rows("memberships.csv").items():
            if key not in self.touched("memberships.csv"):
                continue
            user, created = User.objects.get_or_create(username=v["username"])
            if created:
                user.set_unusable_password()
                user.save()
            Membership.objects.get_or_create(
                user=user,
                programme=programme,
                role=v["role"],
                region=self.lookups.regions.get(v["region"]) if v["region"] else None,
            )
