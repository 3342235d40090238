"""Beds by bed type, and snapshots that carry the moment they were reported.

Conversion of the rows already stored (the rule, decided from docs/scenario-format.md, the
registry's `hospital_beds` indicator and the demo overlay, where every facility's `beds` exceed
its `icu_beds`): a facility's `beds` counted ALL its beds, ICU beds included, as a hospital's bed
count does in Chinese health statistics (实有床位). So
  general beds = beds - icu_beds (never below 0), ICU beds = icu_beds;
and a snapshot's `beds_available`/`beds_occupied` counted all open/occupied beds, so
  general open = beds_available - icu_available, general occupied = beds_occupied - icu_occupied,
  ICU open = icu_available, ICU occupied = icu_occupied.
No old figure says whether a bed had oxygen or a ventilator: oxygen-supplied and ventilated ICU
beds start unknown (no row). A snapshot had a date only: it is taken as reported at the
programme's reporting deadline that day, in the programme's time zone (on time, as it was
accepted). Reverse: the sums go back into the old fields.
"""

import datetime
import zoneinfo

import django.db.models.deletion
from django.db import migrations, models


def _less(total, part):
    if total is None:
        return None
    return max(total - (part or 0), 0)


def _noon(day, programme):
    zone = zoneinfo.ZoneInfo(programme.time_zone)
    return datetime.datetime.combine(day, programme.report_deadline, tzinfo=zone)


def split_beds_by_type(apps, schema_editor):
    Facility = apps.get_model("operations", "Facility")
    FacilityBeds = apps.get_model("operations", "FacilityBeds")
    FacilitySnapshot = apps.get_model("operations", "FacilitySnapshot")
    SnapshotBeds = apps.get_model("operations", "SnapshotBeds")
    HistoricalSnapshot = apps.get_model("operations", "HistoricalFacilitySnapshot")
    Programme = apps.get_model("programmes", "Programme")
    for f in Facility.objects.all():
        counts = {"general": _less(f.beds, f.icu_beds), "icu": f.icu_beds}
        FacilityBeds.objects.bulk_create(
            FacilityBeds(facility=f, bed_type=t, beds=n) for t, n in counts.items() if n is not None
        )
    programmes = {p.pk: p for p in Programme.objects.all()}
    for s in FacilitySnapshot.objects.select_related("facility"):
        s.reported_at = _noon(s.date, programmes[s.facility.programme_id])
        s.save(update_fields=["reported_at"])
        figures = {
            "general": (
                _less(s.beds_available, s.icu_available),
                _less(s.beds_occupied, s.icu_occupied),
            ),
            "icu": (s.icu_available, s.icu_occupied),
        }
        SnapshotBeds.objects.bulk_create(
            SnapshotBeds(snapshot=s, bed_type=t, open=o, occupied=c)
            for t, (o, c) in figures.items()
            if o is not None or c is not None
        )
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")  # history rows: the bundled programmes' zone
    for h in HistoricalSnapshot.objects.filter(reported_at__isnull=True):
        h.reported_at = datetime.datetime.combine(h.date, datetime.time(12), tzinfo=shanghai)
        h.save(update_fields=["reported_at"])


def _plus(a, b):
    return None if a is None and b is None else (a or 0) + (b or 0)


def join_beds(apps, schema_editor):
    FacilityBeds = apps.get_model("operations", "FacilityBeds")
    SnapshotBeds = apps.get_model("operations", "SnapshotBeds")
    Facility = apps.get_model("operations", "Facility")
    FacilitySnapshot = apps.get_model("operations", "FacilitySnapshot")
    for f in Facility.objects.all():
        counts = {b.bed_type: b.beds for b in FacilityBeds.objects.filter(facility=f)}
        f.icu_beds = _plus(counts.get("icu"), counts.get("icu_ventilated"))
        f.beds = _plus(_plus(counts.get("general"), counts.get("oxygen")), f.icu_beds)
        f.save(update_fields=["beds", "icu_beds"])
    for s in FacilitySnapshot.objects.all():
        rows = {b.bed_type: b for b in SnapshotBeds.objects.filter(snapshot=s)}
        icu = [rows[t] for t in ("icu", "icu_ventilated") if t in rows]
        rest = [rows[t] for t in ("general", "oxygen") if t in rows]
        s.icu_available = _sum(b.open for b in icu)
        s.icu_occupied = _sum(b.occupied for b in icu)
        s.beds_available = _plus(_sum(b.open for b in rest), s.icu_available)
        s.beds_occupied = _plus(_sum(b.occupied for b in rest), s.icu_occupied)
        s.save(update_fields=["beds_available", "beds_occupied", "icu_available", "icu_occupied"])


def _sum(values):
    known = [v for v in values if v is not None]
    return sum(known) if known else None


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0007_model_names_in_both_languages"),
        ("programmes", "0007_programme_time_zone_and_report_deadline"),
    ]

    operations = [
        migrations.AddField(
            model_name="facility",
            name="ventilators",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="facilitysnapshot",
            name="reported_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name="historicalfacility",
            name="ventilators",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="historicalfacilitysnapshot",
            name="reported_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.CreateModel(
            name="FacilityBeds",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "bed_type",
                    models.CharField(
                        choices=[
                            ("general", "general"),
                            ("oxygen", "oxygen-supplied"),
                            ("icu", "ICU"),
                            ("icu_ventilated", "ICU with ventilation"),
                        ],
                        max_length=20,
                    ),
                ),
                ("beds", models.PositiveIntegerField()),
                (
                    "facility",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="bed_counts",
                        to="operations.facility",
                    ),
                ),
            ],
            options={
                "verbose_name": "beds of a type",
                "verbose_name_plural": "beds by type",
                "ordering": ["facility", "bed_type"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("facility", "bed_type"), name="facility_beds_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SnapshotBeds",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "bed_type",
                    models.CharField(
                        choices=[
                            ("general", "general"),
                            ("oxygen", "oxygen-supplied"),
                            ("icu", "ICU"),
                            ("icu_ventilated", "ICU with ventilation"),
                        ],
                        max_length=20,
                    ),
                ),
                ("open", models.PositiveIntegerField(blank=True, null=True)),
                ("occupied", models.PositiveIntegerField(blank=True, null=True)),
                (
                    "snapshot",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="beds",
                        to="operations.facilitysnapshot",
                    ),
                ),
            ],
            options={
                "ordering": ["snapshot", "bed_type"],
                "verbose_name": "reported beds of a type",
                "verbose_name_plural": "reported beds by type",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("snapshot", "bed_type"), name="snapshot_beds_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(split_beds_by_type, join_beds),
        migrations.RemoveField(
            model_name="facility",
            name="beds",
        ),
        migrations.RemoveField(
            model_name="facility",
            name="icu_beds",
        ),
        migrations.RemoveField(
            model_name="facilitysnapshot",
            name="beds_available",
        ),
        migrations.RemoveField(
            model_name="facilitysnapshot",
            name="beds_occupied",
        ),
        migrations.RemoveField(
            model_name="facilitysnapshot",
            name="icu_available",
        ),
        migrations.RemoveField(
            model_name="facilitysnapshot",
            name="icu_occupied",
        ),
        migrations.RemoveField(
            model_name="historicalfacility",
            name="beds",
        ),
        migrations.RemoveField(
            model_name="historicalfacility",
            name="icu_beds",
        ),
        migrations.RemoveField(
            model_name="historicalfacilitysnapshot",
            name="beds_available",
        ),
        migrations.RemoveField(
            model_name="historicalfacilitysnapshot",
            name="beds_occupied",
        ),
        migrations.RemoveField(
            model_name="historicalfacilitysnapshot",
            name="icu_available",
        ),
        migrations.RemoveField(
            model_name="historicalfacilitysnapshot",
            name="icu_occupied",
        ),
        migrations.AlterField(
            model_name="facilitysnapshot",
            name="reported_at",
            field=models.DateTimeField(),
        ),
        migrations.AlterField(
            model_name="historicalfacilitysnapshot",
            name="reported_at",
            field=models.DateTimeField(),
        ),
    ]
