"""The migration to beds by type converts stored rows: `beds` counted ICU beds, so general =
beds - icu_beds; a snapshot's date becomes a report at the programme's deadline that day."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("operations", "0007_model_names_in_both_languages"),
    ("programmes", "0006_model_names_in_both_languages"),
]
AFTER = [
    ("operations", "0008_beds_by_type_and_timed_snapshots"),
    ("programmes", "0007_programme_time_zone_and_report_deadline"),
]


def _migrate(targets):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_stored_beds_and_snapshots_are_converted_by_bed_type() -> None:
    old = _migrate(BEFORE)
    programme = old.get_model("programmes", "Programme").objects.create(
        slug="converted", name_en="Converted", kind="medical_emergency", period_start="2020-01-01"
    )
    source = old.get_model("registry", "Source").objects.create(key="test", title="A test")
    region = old.get_model("registry", "Region").objects.create(
        country="CN", code="429999", level="prefecture", name_en="Somewhere", source=source
    )
    recipient = old.get_model("programmes", "Participant").objects.create(
        programme=programme, region=region, role="recipient"
    )
    facility_model = old.get_model("operations", "Facility")
    hospital = facility_model.objects.create(
        programme=programme, recipient=recipient, name="Central", beds=1000, icu_beds=60
    )
    unknown = facility_model.objects.create(programme=programme, recipient=recipient, name="New")
    old.get_model("operations", "FacilitySnapshot").objects.create(
        facility=hospital,
        date=datetime.date(2020, 2, 11),
        beds_available=1000,
        beds_occupied=990,
        icu_available=60,
        icu_occupied=62,
    )

    new = _migrate(AFTER)
    beds = new.get_model("operations", "FacilityBeds").objects
    assert {(b.bed_type, b.beds) for b in beds.filter(facility_id=hospital.pk)} == {
        ("general", 940),
        ("icu", 60),
    }
    assert not beds.filter(facility_id=unknown.pk).exists()  # unknown stays unknown, not 0
    snapshot = new.get_model("operations", "FacilitySnapshot").objects.get()
    assert snapshot.reported_at == datetime.datetime(
        2020, 2, 11, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai")
    )
    figures = new.get_model("operations", "SnapshotBeds").objects.filter(snapshot=snapshot)
    assert {(b.bed_type, b.open, b.occupied) for b in figures} == {
        ("general", 940, 928),
        ("icu", 60, 62),
    }
    back = _migrate(BEFORE)  # and back: the sums return to the old fields
    returned = back.get_model("operations", "Facility").objects.get(pk=hospital.pk)
    assert (returned.beds, returned.icu_beds) == (1000, 60)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # the schema the other tests expect
