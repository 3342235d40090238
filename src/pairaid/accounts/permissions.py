"""Who may do what, decided in one place from memberships (DESIGN.md §7).

Everyone with a role in a programme can read it. Donor and recipient officers change only their
own region's data in that programme; a facility officer files only its facility's bed reports;
coordinators manage the programme; platform administrators
may do everything. 403 vs 404: an object the user may see but not change answers 403 (Forbidden);
an object in a programme the user cannot see answers 404 (NotFound).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from django.db.models import QuerySet
from django.utils.translation import gettext

from pairaid.accounts.models import Membership
from pairaid.errors import Forbidden, NotFound
from pairaid.programmes.models import Programme


class Action(StrEnum):
    VIEW = "view"
    VIEW_CONTACTS = "view_contacts"
    EDIT_CAPACITY = "edit_capacity"  # a donor region's capacity lines
    EDIT_NEED = "edit_need"  # a recipient region's need lines
    MANAGE_PARTICIPANTS = "manage_participants"
    SET_PROGRAMME_DATE = "set_programme_date"
    RUN_PLAN = "run_plan"
    APPROVE_PLAN = "approve_plan"
    PUBLISH = "publish"
    MANAGE_ACCOUNTS = "manage_accounts"
    VIEW_HISTORY = "view_history"
    RAISE_REQUEST = "raise_request"  # a recipient region's requests
    CONFIRM_RECEIPT = "confirm_receipt"  # receipts and arrivals at a recipient
    MANAGE_FACILITIES = "manage_facilities"  # a recipient region's facilities
    PLEDGE = "pledge"  # a donor region's pledges, shipments and disbursements
    OFFER = "offer"  # a donor region's offers, and taking them for request lines
    MANAGE_TEAMS = "manage_teams"  # a donor region's teams and deployments
    EDIT_CARE_RATIOS = "edit_care_ratios"  # the programme's care-ratio table
    # Patient transfers (operations.transfers): each is checked for the facility (or, for a
    # community queue, the region) on its side of the transfer, through `check_for_facility`.
    REQUEST_TRANSFER = "request_transfer"  # the sending side asks for placement
    APPROVE_TRANSFER = "approve_transfer"  # the coordinator approves a cross-region transfer
    RECEIVE_TRANSFER = "receive_transfer"  # the receiving side accepts, declines, confirms arrival
    SEND_TRANSFER = "send_transfer"  # the sending side arranges transport, sets off
    CANCEL_TRANSFER = "cancel_transfer"  # the sending side (or the coordinator) calls it off
    RECORD_QUEUE = "record_queue"  # a recipient region's community queue, by hand
    RECOMMEND_PLACEMENT = "recommend_placement"  # ask the placement recommender (coordinators)
    PROPOSE_MATCHING = "propose_matching"  # ask the matcher of offers to requests (coordinators)
    ACCEPT_MATCHING = "accept_matching"  # a donor region's proposed lines, taken as pledges
    REPORT_BEDS = "report_beds"  # a facility's bed reports (snapshots)
    ANNOUNCE = "announce"  # post in the programme's announcements thread (coordinators)
    ISSUE_SITUATION_REPORT = "issue_situation_report"  # the daily report (coordinators)
    EDIT_PROJECT = "edit_project"  # a donor region's projects: budget, results, money, moves
    CONFIRM_PROJECT = "confirm_project"  # a recipient's confirmation of hand-overs and actuals
    RESEND_MAIL = "resend_mail"  # the programme's failed e-mail deliveries: see, send again
    # The annual assessment (pairaid.assessment): each step of its cycle is one side's.
    SELF_ASSESS = "self_assess"  # a donor region's self-assessment
    GIVE_OPINION = "give_opinion"  # the paired recipient region's opinion
    CROSS_CHECK = "cross_check"  # the third participant's cross-check (its officers, either side)
    MANAGE_ASSESSMENT = "manage_assessment"  # define, assign, final score, publish (coordinators)


Role = Membership.Role
COORDINATOR_ONLY = frozenset(
    {
        Action.MANAGE_PARTICIPANTS,
        Action.SET_PROGRAMME_DATE,
        Action.RUN_PLAN,
        Action.APPROVE_PLAN,
        Action.PUBLISH,
        Action.MANAGE_ACCOUNTS,
        Action.VIEW_HISTORY,
        Action.EDIT_CARE_RATIOS,
        Action.APPROVE_TRANSFER,
        Action.RECOMMEND_PLACEMENT,
        Action.PROPOSE_MATCHING,
        Action.ANNOUNCE,
        Action.ISSUE_SITUATION_REPORT,
        Action.RESEND_MAIL,
        Action.MANAGE_ASSESSMENT,
    }
)
# Region-scoped actions: the officer role that may do it for its own region.
REGION_ACTIONS = {
    Action.EDIT_CAPACITY: Role.DONOR_OFFICER,
    Action.EDIT_NEED: Role.RECIPIENT_OFFICER,
    Action.RAISE_REQUEST: Role.RECIPIENT_OFFICER,
    Action.CONFIRM_RECEIPT: Role.RECIPIENT_OFFICER,
    Action.MANAGE_FACILITIES: Role.RECIPIENT_OFFICER,
    Action.PLEDGE: Role.DONOR_OFFICER,
    Action.OFFER: Role.DONOR_OFFICER,
    Action.ACCEPT_MATCHING: Role.DONOR_OFFICER,
    Action.MANAGE_TEAMS: Role.DONOR_OFFICER,
    Action.REQUEST_TRANSFER: Role.RECIPIENT_OFFICER,
    Action.RECEIVE_TRANSFER: Role.RECIPIENT_OFFICER,
    Action.SEND_TRANSFER: Role.RECIPIENT_OFFICER,
    Action.CANCEL_TRANSFER: Role.RECIPIENT_OFFICER,
    Action.RECORD_QUEUE: Role.RECIPIENT_OFFICER,
    Action.REPORT_BEDS: Role.RECIPIENT_OFFICER,
    Action.EDIT_PROJECT: Role.DONOR_OFFICER,
    Action.CONFIRM_PROJECT: Role.RECIPIENT_OFFICER,
    Action.SELF_ASSESS: Role.DONOR_OFFICER,
    Action.GIVE_OPINION: Role.RECIPIENT_OFFICER,
}
# Region-scoped actions any officer of the region may do, whichever its side: a participant the
# coordinator assigns to cross-check a review may be a donor or a recipient.
ANY_OFFICER_ACTIONS = frozenset({Action.CROSS_CHECK})
# Facility-scoped actions: a facility officer may do them for its own facility only (besides
# whoever REGION_ACTIONS lets do them for the facility's region): its bed reports, and its side
# of a transfer (asking to place its patients, receiving patients, sending them, calling off).
FACILITY_ACTIONS = frozenset(
    {
        Action.REPORT_BEDS,
        Action.REQUEST_TRANSFER,
        Action.RECEIVE_TRANSFER,
        Action.SEND_TRANSFER,
        Action.CANCEL_TRANSFER,
    }
)


@dataclass(frozen=True)
class Access:
    """One user's standing in one programme."""

    is_admin: bool
    roles: frozenset[str]
    regions: dict[str, frozenset[int]] = field(default_factory=dict)  # officer role -> region ids
    facilities: frozenset[int] = frozenset()  # the facilities the user is an officer of

    @property
    def can_view(self) -> bool:
        return self.is_admin or bool(self.roles)

    @property
    def may_write(self) -> bool:
        """Whether the user may change anything at all in the programme: every role but the
        observer's (an officer, its own region's data)."""
        return self.is_admin or bool(self.roles - {Role.OBSERVER})

    def in_pair(self, donor_region_id: int, recipient_region_id: int) -> bool:
        """Whether the user takes part in a pair's exchanges (its thread): the donor region's
        officer, the recipient region's officer, the programme's coordinators."""
        if self.is_admin or Role.COORDINATOR in self.roles:
            return True
        return donor_region_id in self.regions.get(
            Role.DONOR_OFFICER, frozenset()
        ) or recipient_region_id in self.regions.get(Role.RECIPIENT_OFFICER, frozenset())

    def can(
        self, action: Action, region_id: int | None = None, facility_id: int | None = None
    ) -> bool:
        """Whether the user may do `action`; region-scoped actions name the region acted for,
        facility-scoped ones the facility too (and its recipient's region)."""
        if self.is_admin:
            return True
        if not self.roles:
            return False
        if action == Action.VIEW:
            return True
        if action == Action.VIEW_CONTACTS:
            # Contact details are personal data: members with a role, not observers.
            return bool(self.roles - {Role.OBSERVER})
        if Role.COORDINATOR in self.roles:
            return True
        if action in FACILITY_ACTIONS and facility_id in self.facilities:
            return True
        if action in ANY_OFFICER_ACTIONS:
            return region_id is not None and any(
                region_id in self.regions.get(role, frozenset())
                for role in (Role.DONOR_OFFICER, Role.RECIPIENT_OFFICER)
            )
        if action in REGION_ACTIONS:
            officer_role = REGION_ACTIONS[action]
            return region_id is not None and region_id in self.regions.get(
                officer_role, frozenset()
            )
        return False


NO_ACCESS = Access(is_admin=False, roles=frozenset())


def _is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_platform_admin", False) or getattr(user, "is_superuser", False))


def access(user: Any, programme: Programme) -> Access:
    """The user's access to a programme, computed once per user object (i.e. per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    cache: dict[int, Access] | None = getattr(user, "_pairaid_access", None)
    if cache is None:
        cache = _all_access(user)
        user._pairaid_access = cache
    return cache.get(programme.pk, Access(is_admin=_is_admin(user), roles=frozenset()))


def _all_access(user: Any) -> dict[int, Access]:
    memberships: dict[int, list[tuple[str, int | None, int | None]]] = defaultdict(list)
    for programme_id, role, region_id, facility_id in Membership.objects.filter(
        user=user
    ).values_list("programme_id", "role", "region_id", "facility_id"):
        memberships[programme_id].append((role, region_id, facility_id))
    admin = _is_admin(user)
    return {
        programme_id: _standing(admin, programme_memberships)
        for programme_id, programme_memberships in memberships.items()
    }


def _standing(admin: bool, memberships: list[tuple[str, int | None, int | None]]) -> Access:
    """One programme's Access from the user's (role, region id, facility id) memberships in it."""
    regions: dict[str, set[int]] = defaultdict(set)
    for role, region_id, _facility_id in memberships:
        if region_id is not None:
            regions[role].add(region_id)
    return Access(
        is_admin=admin,
        roles=frozenset(role for role, _, _ in memberships),
        regions={role: frozenset(ids) for role, ids in regions.items()},
        facilities=frozenset(f for _, _, f in memberships if f is not None),
    )


def can(
    user: Any,
    action: Action,
    programme: Programme,
    region_id: int | None = None,
    facility_id: int | None = None,
) -> bool:
    return access(user, programme).can(action, region_id, facility_id)


def check(
    user: Any,
    action: Action,
    programme: Programme,
    region_id: int | None = None,
    facility_id: int | None = None,
) -> None:
    """Raise NotFound where the programme is invisible to the user, Forbidden where read-only."""
    standing = access(user, programme)
    if not standing.can_view:
        raise NotFound(gettext("no programme %(slug)s") % {"slug": repr(programme.slug)})
    if not standing.can(action, region_id, facility_id):
        raise Forbidden(
            gettext("you may not %(action)s in %(slug)s")
            % {"action": action.value.replace("_", " "), "slug": programme.slug}
        )


class OfRegion(Protocol):
    """A facility as this module sees it: its id and the recipient whose region it belongs to."""

    @property
    def pk(self) -> Any: ...

    @property
    def recipient(self) -> Any: ...


def _facility_region(facility: OfRegion | None, region_id: int | None) -> int | None:
    return facility.recipient.region_id if facility is not None else region_id


def can_for_facility(
    user: Any,
    action: Action,
    programme: Programme,
    facility: OfRegion | None,
    *,
    region_id: int | None = None,
) -> bool:
    """Whether the user may do `action` for a facility (None: for the region `region_id` as a
    whole, e.g. its community queue). Every transfer permission asks here: the facility's
    officer acts for it, its region's officer too."""
    return can(
        user,
        action,
        programme,
        _facility_region(facility, region_id),
        facility.pk if facility is not None else None,
    )


def check_for_facility(
    user: Any,
    action: Action,
    programme: Programme,
    facility: OfRegion | None,
    *,
    region_id: int | None = None,
) -> None:
    """`check` for a facility (None: for the region `region_id`); see `can_for_facility`."""
    check(
        user,
        action,
        programme,
        _facility_region(facility, region_id),
        facility.pk if facility is not None else None,
    )


def check_writer(user: Any, programme: Programme) -> None:
    """Raise NotFound where the programme is invisible to the user, Forbidden where the user
    may change nothing in it: an upload's first check, before its file is read."""
    standing = access(user, programme)
    if not standing.can_view:
        raise NotFound(gettext("no programme %(slug)s") % {"slug": repr(programme.slug)})
    if not standing.may_write:
        raise Forbidden(
            gettext("you may not change anything in %(slug)s") % {"slug": programme.slug}
        )


def visible_programmes(user: Any) -> QuerySet[Programme]:
    if user is None or not user.is_authenticated:
        return Programme.objects.none()
    if _is_admin(user):
        return Programme.objects.all()
    return Programme.objects.filter(memberships__user=user).distinct()


def programme_for(user: Any, slug: str, action: Action = Action.VIEW) -> Programme:
    """The programme named by slug, if the user may do `action` in it (else NotFound/Forbidden)."""
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise NotFound(gettext("no programme %(slug)s") % {"slug": repr(slug)})
    check(user, action, programme)
    return programme
