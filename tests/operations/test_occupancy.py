"""Occupancy now and its colour: each facility's bed types and each region (summed) are green,
yellow or red against the programme's thresholds, said in words on the facilities page."""

import datetime

import pytest
from tests.operations.helpers import participant

from pairaid.operations.queries import facilities as facility_queries
from pairaid.operations.queries import occupancy
from pairaid.operations.queries import transfers as transfer_queries
from pairaid.operations.queries.occupancy import Level, Occupancy
from pairaid.operations.services import facilities as facility_services
from pairaid.programmes import services as programme_services

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2020, 2, 11, 9, 0, tzinfo=datetime.UTC)


def report(code: str, name: str, **beds: tuple[int, int]):  # type: ignore[no-untyped-def]
    facility = facility_services.register_facility(recipient=participant(code), name=name)
    facility_services.record_snapshot(
        facility=facility,
        beds={t: {"occupied": occupied, "open": open_} for t, (occupied, open_) in beds.items()},
        reported_at=AT,
    )
    return facility


@pytest.mark.parametrize(
    "occupied, open_, expected",
    [
        (84, 100, Level.GREEN),
        (85, 100, Level.YELLOW),  # the threshold itself is yellow
        (94, 100, Level.YELLOW),
        (95, 100, Level.RED),
        (120, 100, Level.RED),  # a surge beyond the open beds
        (3, 0, Level.RED),  # patients and no open bed
        (0, 0, None),  # no beds of the type: no colour
    ],
)
def test_levels_against_the_default_thresholds(hubei, occupied, open_, expected):
    assert occupancy.level(hubei, Occupancy(occupied, open_)) == expected


def test_a_programmes_own_thresholds_colour(hubei):
    programme_services.set_occupancy_thresholds(programme=hubei, yellow_percent=70, red_percent=80)
    assert occupancy.level(hubei, Occupancy(75, 100)) == Level.YELLOW
    assert occupancy.level(hubei, Occupancy(80, 100)) == Level.RED


@pytest.mark.parametrize(
    "yellow, red, column",
    [
        (95, 85, "occupancy_yellow_percent"),
        (0, 95, "occupancy_yellow_percent"),
        (85, 101, "occupancy_red_percent"),
    ],
)
def test_bad_thresholds_are_refused_naming_the_field(hubei, yellow, red, column):
    from pairaid.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        programme_services.set_occupancy_thresholds(
            programme=hubei, yellow_percent=yellow, red_percent=red
        )
    assert [p.column for p in refused.value.problems] == [column]


def test_a_facilitys_occupancy_is_its_latest_reports_per_bed_type(hubei):
    report("421100", "Central", general=(700, 800), icu=(39, 40))
    (central,) = facility_queries.facilities(hubei)
    beds = {b.bed_type: b for b in transfer_queries.occupancy([central])[central.pk]}
    assert occupancy.occupancy(beds["general"]) == Occupancy(700, 800)
    assert occupancy.occupancy(beds["oxygen"]) is None  # not reported: unknown
    coloured = {
        c.bed_type: (c.figures.percent, c.level)
        for c in occupancy.by_bed_type(hubei, beds.values())
    }
    assert coloured == {"general": (88, Level.YELLOW), "icu": (98, Level.RED)}


def test_a_regions_occupancy_sums_its_facilities_and_bed_types(hubei):
    report("421100", "Central", general=(700, 800), icu=(39, 40))
    report("421100", "Infectious", general=(100, 160))
    report("420900", "Xiaogan", general=(50, 100))
    found = list(facility_queries.facilities(hubei))
    regions = occupancy.by_region(hubei, found, transfer_queries.occupancy(found))
    huanggang, xiaogan = (participant(c).region_id for c in ("421100", "420900"))
    assert regions[huanggang].figures == Occupancy(839, 1000)
    assert regions[huanggang].level == Level.GREEN  # 83.9 %: the region has beds to spare
    assert regions[xiaogan].level == Level.GREEN


def test_the_facilities_page_says_each_colour_in_words(client, people):
    report("421100", "Central", general=(700, 800), icu=(39, 40))
    client.force_login(people["observer"])
    page = client.get("/p/hubei-2020/facilities/").content.decode()
    assert 'class="tag occupancy-yellow">88 % · yellow' in page
    assert 'class="tag occupancy-red">98 % · red' in page
    assert 'id="region-occupancy"' in page
    assert 'class="tag occupancy-yellow">88 % · yellow' in page.split('id="region-occupancy"')[1]


def test_the_facilities_page_shows_who_waits_outside_each_regions_hospitals(client, people):
    """Beside a region's occupancy, its community queues now (with the oldest count's age); a
    region with a queue and no facility reporting is listed too."""
    from pairaid.operations.services import transfers as transfer_services

    report("421100", "Central", general=(700, 800), icu=(39, 40))
    counted = {
        ("421100", "general"): 60,
        ("421100", "icu"): 4,
        ("420900", "oxygen"): 18,
    }
    for (code, acuity), waiting in counted.items():
        transfer_services.record_queue(
            recipient=participant(code),
            acuity=acuity,
            waiting=waiting,
            user=people["coordinator"],
            at=AT,
        )
    client.force_login(people["observer"])
    page = client.get("/p/hubei-2020/facilities/").content.decode()
    table = page.split('id="region-occupancy"')[1].split("</table>")[0]
    huanggang, xiaogan = table.split("<tr>")[2:4]
    assert "Huanggang" in huanggang and "88 % · yellow" in huanggang
    assert "<strong>64</strong>" in huanggang and "general 60 · ICU 4" in huanggang
    assert "02-11 17:00 · counted" in huanggang  # 09:00 UTC in the programme's time
    assert "Xiaogan" in xiaogan and "no facility reports" in xiaogan
    assert "<strong>18</strong>" in xiaogan and "oxygen-supplied 18" in xiaogan
