"""The teams sheet: teams with their members by profession."""

from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from pairaid.accounts.permissions import Action
from pairaid.operations.forms import team_members
from pairaid.operations.models import Team
from pairaid.operations.services import teams as team_services
from pairaid.operations.workbook.common import Reader, RowAction, region_code
from pairaid.programmes.models import Participant, Programme
from pairaid.spreadsheets import Rows

TEAMS = [
    ("donor_code", "#org+code"),
    ("name", "#group+name"),
    ("members", "#affected+staff"),
    ("emt_type", "#group+type"),
    ("leader", "#contact+name"),
    ("home_institution", "#org+name+home"),
]


def export_teams(programme: Programme) -> list[list[Any]]:
    """Every team, as the teams sheet lists them."""
    teams = (
        Team.objects.filter(programme=programme)
        .select_related("donor__region")
        .prefetch_related("members__resource_type")
    )
    return [
        [
            region_code(t.donor),
            t.name,
            ";".join(f"{m.resource_type.code}:{m.count}" for m in t.members.all()),
            t.emt_type,
            t.leader,
            t.home_institution,
        ]
        for t in teams
    ]


def plan_teams(reader: Reader, rows: Rows) -> list[RowAction]:
    actions = []
    existing = set(Team.objects.filter(programme=reader.programme).values_list("donor_id", "name"))
    for row, cells in rows:
        named = reader.member(cells, "donor_code", Participant.Role.DONOR)
        if named and (named.pk, cells.get("name")) in existing:
            continue  # a team already registered: the template lists it for reference
        donor = reader.participant(
            "teams", row, cells, "donor_code", Participant.Role.DONOR, Action.MANAGE_TEAMS
        )
        try:
            members = team_members(cells.get("members", ""))
        except ValidationError as wrong:
            members = {}
            for message in wrong.messages:
                reader.fail("teams", row, "members", message)
        if donor is not None and members and cells.get("name"):
            actions.append(
                RowAction(
                    "teams",
                    row,
                    partial(
                        team_services.register_team,
                        donor=donor,
                        name=cells["name"],
                        members=members,
                        emt_type=cells.get("emt_type") or "other",
                        leader=cells.get("leader", ""),
                        home_institution=cells.get("home_institution", ""),
                    ),
                )
            )
        elif not cells.get("name"):
            reader.fail("teams", row, "name", gettext("required; the cell is empty"))
    return actions
