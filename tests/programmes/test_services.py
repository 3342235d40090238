import datetime
from decimal import Decimal

import pytest

from pairaid.pairing import levels
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import CapacityLine, Participant, Programme
from pairaid.registry.models import Region, ResourceType, Source

pytestmark = pytest.mark.django_db


def test_hubei_staff_at_the_pairing_date_is_the_later_figure(hubei):
    capacities = programme_services.capacities_as_of(programme=hubei, on=datetime.date(2020, 2, 10))
    shandong = Participant.objects.get(programme=hubei, region__code="370000", role="donor")
    picked = capacities[programme_services.LineKey(shandong.pk, "medical_staff")]
    assert picked.line.quantity == Decimal(591)
    assert picked.later_figure
    assert picked.as_of == datetime.date(2020, 3, 16)
    assert programme_services.total_quantity(capacities) == Decimal(7405)


def test_an_earlier_line_is_used_without_the_flag_once_it_exists(hubei):
    shandong = Participant.objects.get(programme=hubei, region__code="370000", role="donor")
    CapacityLine.objects.create(
        participant=shandong,
        resource_type=ResourceType.objects.get(code="medical_staff"),
        quantity=Decimal(130),
        as_of=datetime.date(2020, 2, 9),
        source=Source.objects.create(key="test-entry", title="typed in for a test", kind="entry"),
    )
    capacities = programme_services.capacities_as_of(programme=hubei, on=datetime.date(2020, 2, 10))
    picked = capacities[programme_services.LineKey(shandong.pk, "medical_staff")]
    assert picked.line.quantity == Decimal(130) and not picked.later_figure


def test_indicator_as_of_and_unknown_figures(hubei):
    huanggang = Region.objects.get(code="421100")
    # the latest figure dated on or before the day: the daily series ends on 2020-04-30
    cases = programme_services.indicator_as_of(
        region=huanggang, indicator="confirmed_cases", on=datetime.date(2020, 5, 15)
    )
    assert cases is not None and cases.line.as_of == datetime.date(2020, 4, 30)
    assert not cases.later_figure
    unknown = programme_services.indicator_as_of(
        region=huanggang, indicator="icu_beds", on=datetime.date(2020, 3, 1)
    )
    assert unknown is None


def test_programme_date_defaults_business_dates(hubei):
    assert hubei.current_date() == datetime.date(2020, 2, 12)
    programme_services.set_programme_date(programme=hubei, date=None)
    hubei.refresh_from_db()
    assert hubei.current_date() == datetime.date.today()


def test_summaries_count_participants_and_pairings_in_force(hubei, unapproved_run):
    (summary,) = programme_services.summaries(
        Programme.objects.filter(slug="hubei-2020"), levels.participant_counts
    )
    assert (summary.donors, summary.recipients, summary.pairings) == (19, 16, 21)
    # At a date before the pairings began, none was in force.
    programme_services.set_programme_date(programme=hubei, date=datetime.date(2020, 2, 9))
    (summary,) = programme_services.summaries(
        Programme.objects.filter(slug="hubei-2020"), levels.participant_counts
    )
    assert summary.pairings == 0
