"""The wenchuan-2008 demo overlay: illustrative projects in townships (code-less areas) and
counties, so that the programme's coordinator sees on the 3W map which donor builds what where;
every row flagged illustrative, and none of its money in the 1 % rule's verdict."""

import pytest

from pairaid.operations.queries import contributions
from pairaid.projects import maps
from pairaid.projects import queries as project_queries
from pairaid.projects.models import Project
from pairaid.scenarios import services as scenario_services

pytestmark = pytest.mark.django_db


def test_the_3w_shows_which_donor_builds_what_in_which_township(wenchuan):
    scenario_services.load_bundle("wenchuan-2008-demo")
    assert Project.objects.filter(programme=wenchuan).count() == 6
    assert not Project.objects.filter(illustrative=False).exists()
    cells = project_queries.three_w(wenchuan)
    where = {(c.donor.region.code, c.sector.code, c.place.name_en) for c in cells}
    assert ("440000", "education", "Miansi Town") in where
    assert ("440000", "health", "Wenchuan County") in where
    assert ("370000", "health", "Leigu Town") in where
    assert all(c.illustrative for c in cells)
    drawn = maps.map_data(cells)
    miansi = next(p for p in drawn["places"] if p["name"] == "Miansi Town")
    # A township has no point of its own: drawn at Wenchuan county's, and said so.
    assert miansi["approximate"] and miansi["coord"] == [103.5902, 31.4769]
    assert ["CN:440000", "CN:513221/Miansi Town"] in drawn["lines"]


def verdicts(programme):  # type: ignore[no-untyped-def]
    return [
        (c.donor.region.code, c.period, c.status, c.contributed and c.contributed.amount)
        for c in contributions.contribution_checks(programme, 2009)
    ]


def test_illustrative_money_never_feeds_the_contribution_verdict(wenchuan):
    before = verdicts(wenchuan)
    scenario_services.load_bundle("wenchuan-2008-demo")
    assert verdicts(wenchuan) == before
