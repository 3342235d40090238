"""The operations pages' forms. Each field holds what its column holds (`pairaid.forms.column`),
and a record a form names by id is one of the programme's that the user may act on: the page
offers those, and refuses another of the programme's with 403 (`pairaid.forms.RecordField`)."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BoundField
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.engine.beds import BED_TYPES
from pairaid.engine.staffing import PROFESSIONS
from pairaid.forms import (
    Among,
    DateQuery,
    EditForm,
    PageForm,
    RecordField,
    column,
)
from pairaid.labels import local_name
from pairaid.operations.bed_columns import (
    capacity_column,
    occupied_column,
    open_column,
    staff_column,
)
from pairaid.operations.common import not_goods, paired_in_force
from pairaid.operations.models import (
    BED_TYPE_LABELS,
    PROFESSION_LABELS,
    CareRatio,
    Contact,
    DailyReport,
    Deployment,
    Disbursement,
    Discrepancy,
    Facility,
    FacilityBeds,
    FacilityStaff,
    FundCommitment,
    Offer,
    OfferLine,
    Pledge,
    PushDelivery,
    PushDeliveryEvent,
    QueueEntry,
    Request,
    RequestLine,
    Shipment,
    SnapshotBeds,
    Team,
    TeamMember,
    Transfer,
)
from pairaid.operations.queries import contacts as contact_queries
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import ResourceType
from pairaid.text_limits import NOTE_MAX_CHARS


def _declare(form: type[forms.Form], fields: Mapping[str, forms.Field]) -> None:
    """Add fields built in a loop (one per bed type) to a form class, as if declared in its
    body, so that its subclasses inherit them."""
    form.declared_fields.update(fields)
    form.base_fields.update(fields)


DONOR = Participant.Role.DONOR
RECIPIENT = Participant.Role.RECIPIENT


def choices(user: Any, programme: Programme, role: str, action: Action) -> list[tuple[int, str]]:
    """The participants of a role the user may act for, as (id, name in the page's language)."""
    members = (
        programme.participants.filter(role=role).select_related("region").order_by("region__code")
    )
    return [
        (p.pk, local_name(p.region))
        for p in members
        if permissions.can(user, action, programme, p.region_id)
    ]


@dataclass(frozen=True)
class Actor:
    """A user acting in a programme: what the forms' record fields offer and check."""

    user: Any
    programme: Programme

    def participants(self, actions: Mapping[str, Action]) -> Among:
        """The programme's participants of the roles given, each with the action it takes to
        act for one (e.g. a donor's teams, a recipient's facilities)."""
        return Among(
            seen=self.programme.participants.filter(role__in=list(actions)).select_related(
                "region"
            ),
            check=lambda p: permissions.check(
                self.user, actions[p.role], self.programme, p.region_id
            ),
            offered=[
                choice
                for role, action in actions.items()
                for choice in choices(self.user, self.programme, role, action)
            ],
        )

    @cached_property
    def paired(self) -> dict[int, list[int]]:
        """The pairings in force at the programme date: {donor id: its recipients' ids} (read
        once for a page's many forms)."""
        return paired_in_force(self.programme.pk, self.programme.current_date())

    def recipients(self, paired: list[int] | None = None, *, only_paired: bool = False) -> Among:
        """Any recipient of the programme (the service checks what the pair allows). Those of
        `paired` (recipients in force with the donors acted for) are offered first, so the
        first offered is a valid pair, and the others apart; or, `only_paired`, alone."""
        recipients = self.programme.participants.filter(role=RECIPIENT).select_related("region")
        by_id = {p.pk: (p.pk, local_name(p.region)) for p in recipients.order_by("region__code")}
        first = [by_id[pk] for pk in dict.fromkeys(paired or []) if pk in by_id]
        others = [choice for pk, choice in by_id.items() if choice not in first]
        if not first:
            offered: list[Any] = others
        elif only_paired or not others:
            offered = first
        else:
            offered = [*first, (gettext("Other recipients"), others)]
        return Among(seen=recipients, offered=offered)

    def donors_records(self, seen: QuerySet[Any], action: Action) -> Among:
        """Records of the programme that belong to a donor (teams, commitments), which the user
        may act on for that donor."""
        return Among(
            seen=seen.select_related("donor"),
            check=lambda record: permissions.check(
                self.user, action, self.programme, record.donor.region_id
            ),
        )


class ActorForm(PageForm):
    """A form made for an actor: `records` says what each record field may name. Each class
    declares its participant first, so that authority is checked before the rest is read."""

    def __init__(self, data: Any = None, *, actor: Actor, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.actor = actor
        for name, among in self.records(actor).items():
            self.fields[name].name_among(among)  # type: ignore[attr-defined]

    def records(self, actor: Actor) -> dict[str, Among]:
        return {}

    def offered(self, name: str) -> list[tuple[Any, str]]:
        """What the page offers in a record field: (id, name) pairs."""
        field = self.fields[name]
        assert isinstance(field, RecordField) and field.among is not None
        return field.among.offered


def team_members(text: str) -> dict[ResourceType, int]:
    """`icu_nurse:30, icu_doctor:5` (separated by commas, semicolons or lines) as {resource:
    count}; a part that is not a known code and a whole count the column holds is refused,
    naming the part (the service says which codes are not professions)."""
    resources = {r.code: r for r in ResourceType.objects.all()}
    count_field = column(TeamMember, "count")
    members: dict[ResourceType, int] = {}
    wrong = []
    for part in _parts(text):
        code, _sep, count = (piece.strip() for piece in part.partition(":"))
        try:
            members[resources[code]] = count_field.clean(count)
        except (KeyError, ValidationError):
            wrong.append(part)
    if wrong:
        raise ValidationError(
            [
                gettext("expected PROFESSION:COUNT (e.g. icu_nurse:30), got %(part)s")
                % {"part": repr(part)}
                for part in wrong
            ]
        )
    return members


def _parts(text: str) -> list[str]:
    for separator in ";\n":
        text = text.replace(separator, ",")
    return [part.strip() for part in text.split(",") if part.strip()]


class TeamFields(PageForm):
    """What a team's registration and its edit ask."""

    name = column(Team, "name")
    emt_type = column(Team, "emt_type", required=False)
    leader = column(Team, "leader")
    home_institution = column(Team, "home_institution")
    members = forms.CharField(
        max_length=NOTE_MAX_CHARS,
        widget=forms.TextInput(attrs={"placeholder": "icu_nurse:30, icu_doctor:5"}),
    )

    def clean_members(self) -> dict[ResourceType, int]:
        return team_members(self.cleaned_data["members"])


class TeamForm(ActorForm, TeamFields):
    field_order = ["donor"]
    donor = RecordField()

    def records(self, actor: Actor) -> dict[str, Among]:
        return {"donor": actor.participants({DONOR: Action.MANAGE_TEAMS})}


class TeamEditForm(EditForm, TeamFields):
    @classmethod
    def initial_of(cls, record: Any) -> dict[str, Any]:
        members = record.members.select_related("resource_type").order_by("resource_type__code")
        text = ", ".join(f"{m.resource_type.code}:{m.count}" for m in members)
        return {**super().initial_of(record), "members": text}


class DeployForm(ActorForm):
    """A team's deployment: the recipients its donor is paired with are offered first, and the
    first of them by default (not the first city of the programme, which the donor may not
    serve)."""

    recipient = RecordField()
    facility = RecordField(required=False)
    start = column(Deployment, "planned_start", required=False)
    end = column(Deployment, "planned_end")
    replaces = RecordField(required=False)
    overlap_days = column(Deployment, "overlap_days", required=False)

    def __init__(self, data: Any = None, *, actor: Actor, team: Team, **kwargs: Any) -> None:
        self.team = team
        super().__init__(data, actor=actor, **kwargs)
        self.fields["recipient"].initial = _first_offered(self.offered("recipient"))

    def records(self, actor: Actor) -> dict[str, Among]:
        programme = actor.programme
        return {
            "recipient": actor.recipients(actor.paired.get(self.team.donor_id, [])),
            "facility": Among(Facility.objects.filter(programme=programme)),
            "replaces": Among(Deployment.objects.filter(team__programme=programme)),
        }


def _first_offered(offered: list[Any]) -> Any:
    """The first id offered, outside any group (None if the first entry is a group)."""
    return offered[0][0] if offered and not isinstance(offered[0][1], list) else None


class MoveForm(PageForm):
    """The date a deployment is dispatched, arrives or ends (the programme date when empty)."""

    on = column(Deployment, "dispatched_on")


def donor_and_recipient(actor: Actor) -> dict[str, Among]:
    """A donor the user acts for (Action.PLEDGE: what it gives along the ledger) and a
    recipient, the pairs in force first (where aid follows the pairing, only those)."""
    donors = actor.participants({DONOR: Action.PLEDGE})
    paired = actor.paired
    # Donors with a pair in force first: the default donor is one, and its first
    # recipient is the default recipient.
    donors = replace(
        donors, offered=sorted(donors.offered, key=lambda choice: choice[0] not in paired)
    )
    recipients = [pk for donor, _name in donors.offered for pk in paired.get(donor, [])]
    return {
        "donor": donors,
        "recipient": actor.recipients(
            recipients, only_paired=not actor.programme.pledges_beyond_pairs
        ),
    }


class CommitFundsForm(ActorForm):
    """Funds from a donor the user acts for to a recipient: the pairs in force are offered, and
    by default the first donor that has one with its first recipient (where aid follows the
    pairing, only the recipients paired with the user's donors)."""

    donor = RecordField()
    recipient = RecordField()
    year = column(FundCommitment, "year", required=False)
    kind = column(FundCommitment, "kind", required=False)
    amount = column(FundCommitment, "amount")
    description = column(FundCommitment, "description", widget=forms.TextInput)

    def __init__(self, data: Any = None, *, actor: Actor, **kwargs: Any) -> None:
        super().__init__(data, actor=actor, **kwargs)
        self.fields["year"].initial = actor.programme.current_date().year  # when left empty
        self.fields["recipient"].initial = _first_offered(self.offered("recipient"))

    def records(self, actor: Actor) -> dict[str, Among]:
        return donor_and_recipient(actor)


class DisburseOnCommitmentForm(ActorForm):
    commitment = RecordField()
    amount = column(Disbursement, "amount")
    date = column(Disbursement, "date", required=False)
    reference = column(Disbursement, "reference")

    def records(self, actor: Actor) -> dict[str, Among]:
        commitments = FundCommitment.objects.filter(programme=actor.programme)
        return {"commitment": actor.donors_records(commitments, Action.PLEDGE)}


class FacilityFields(PageForm):
    """What a facility's registration and its edit ask: its beds, one field per bed type
    (`beds_icu`), added below from the engine's bed types."""

    name = column(Facility, "name")
    kind = column(Facility, "kind", required=False)
    ventilators = column(Facility, "ventilators")

    def bed_fields(self) -> list[tuple[str, BoundField]]:
        return [(str(BED_TYPE_LABELS[t]), self[capacity_column(t)]) for t in BED_TYPES]

    def beds(self) -> dict[str, int | None]:
        """The cleaned beds per bed type."""
        return {t: self.cleaned_data[capacity_column(t)] for t in BED_TYPES}

    def staff_fields(self) -> list[tuple[str, BoundField]]:
        return [(str(PROFESSION_LABELS[p]), self[staff_column(p)]) for p in PROFESSIONS]

    def staff(self) -> dict[str, int | None]:
        """The cleaned own staff per profession (empty: none known)."""
        return {p: self.cleaned_data[staff_column(p)] for p in PROFESSIONS}


_declare(
    FacilityFields,
    {
        **{
            capacity_column(t): column(
                FacilityBeds, "beds", required=False, label=BED_TYPE_LABELS[t]
            )
            for t in BED_TYPES
        },
        **{
            staff_column(p): column(
                FacilityStaff, "count", required=False, label=PROFESSION_LABELS[p]
            )
            for p in PROFESSIONS
        },
    },
)


class FacilityForm(ActorForm, FacilityFields):
    field_order = ["recipient"]
    recipient = RecordField()

    def records(self, actor: Actor) -> dict[str, Among]:
        return {"recipient": actor.participants({RECIPIENT: Action.MANAGE_FACILITIES})}


class FacilityEditForm(EditForm, FacilityFields):
    @classmethod
    def initial_of(cls, record: Any) -> dict[str, Any]:
        counts = {c.bed_type: c.beds for c in record.bed_counts.all()}
        staff = {s.profession: s.count for s in record.own_staff.all()}
        return {
            **super().initial_of(record),
            **{capacity_column(t): counts.get(t) for t in BED_TYPES},
            **{staff_column(p): staff.get(p) for p in PROFESSIONS},
        }


class SnapshotForm(PageForm):
    """A facility's report: open and occupied beds per bed type (`open_icu`, `occupied_icu`),
    reported now (the programme's present moment)."""

    def beds(self) -> dict[str, dict[str, int | None]]:
        data = self.cleaned_data
        return {
            t: {"open": data[open_column(t)], "occupied": data[occupied_column(t)]}
            for t in BED_TYPES
        }


_declare(
    SnapshotForm,
    {
        name: column(SnapshotBeds, figure, required=False, label=f"{BED_TYPE_LABELS[t]}: {word}")
        for t in BED_TYPES
        for name, figure, word in (
            (open_column(t), "open", pgettext_lazy("beds", "open")),
            (occupied_column(t), "occupied", _("occupied")),
        )
    },
)


class ContactFields(PageForm):
    """What a contact's registration and its edit ask."""

    name = column(Contact, "name")
    role = column(Contact, "role")
    phone = column(Contact, "phone")
    email = column(Contact, "email")


class ContactForm(ActorForm, ContactFields):
    field_order = ["participant"]
    participant = RecordField()

    def records(self, actor: Actor) -> dict[str, Among]:
        return {"participant": actor.participants(contact_queries.KEPT_BY)}


class ContactEditForm(EditForm, ContactFields):
    pass


class ReportForm(ActorForm):
    team = RecordField()
    date = column(DailyReport, "date", required=False)
    shortages = column(DailyReport, "shortages", widget=forms.TextInput)

    def __init__(self, data: Any = None, *, actor: Actor, **kwargs: Any) -> None:
        super().__init__(data, actor=actor, **kwargs)
        for name in DailyReport.FIGURES:  # an empty figure is 0, as the form shows it
            self.fields[name] = column(DailyReport, name, required=False)

    def records(self, actor: Actor) -> dict[str, Among]:
        teams = Team.objects.filter(programme=actor.programme)
        return {"team": actor.donors_records(teams, Action.MANAGE_TEAMS)}

    def figures(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in DailyReport.FIGURES}


class RequestForm(ActorForm):
    recipient = RecordField(label=_("Recipient"))
    resource_type = forms.ModelChoiceField(
        ResourceType.objects.all(), to_field_name="code", label=_("Resource")
    )
    quantity = column(RequestLine, "quantity", label=_("Quantity"))
    priority = column(RequestLine, "priority", label=_("Priority"))
    needed_by = column(RequestLine, "needed_by", label=_("Needed by"))
    note = column(Request, "note", label=_("Note"), widget=forms.TextInput)

    def records(self, actor: Actor) -> dict[str, Among]:
        return {"recipient": actor.participants({RECIPIENT: Action.RAISE_REQUEST})}


class RequestEditForm(EditForm):
    """A request's note and, for each of its lines, quantity, priority and date needed by."""

    note = column(Request, "note", label=_("Note"), widget=forms.TextInput)
    LINE_FIELDS = ("quantity", "priority", "needed_by")

    def __init__(self, data: Any = None, *, lines: list[RequestLine], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.lines = lines
        for line in lines:
            for name in self.LINE_FIELDS:
                label = f"{line.resource_type.code} · {RequestForm.base_fields[name].label}"
                self.fields[f"line_{line.pk}_{name}"] = column(RequestLine, name, label=label)

    @classmethod
    def initial_of_request(cls, request: Request, lines: list[RequestLine]) -> dict[str, Any]:
        return {
            "note": request.note,
            "version": request.version,
            **{
                f"line_{line.pk}_{name}": getattr(line, name)
                for line in lines
                for name in cls.LINE_FIELDS
            },
        }

    def field_for(self, path: str) -> str | None:
        """`lines.1.quantity`, the second line's quantity (the lines in the order the form
        asks them), is the field `line_<id>_quantity`."""
        kind, _sep, rest = path.partition(".")
        index, _sep, name = rest.partition(".")
        if kind == "lines" and index.isdigit() and int(index) < len(self.lines):
            found = f"line_{self.lines[int(index)].pk}_{name}"
            return found if found in self.fields else None
        return super().field_for(path)

    def line_edits(self) -> dict[int, tuple[Any, ...]]:
        """{line id: (quantity, priority, needed by)} as the editor left them."""
        return {
            line.pk: tuple(self.cleaned_data[f"line_{line.pk}_{name}"] for name in self.LINE_FIELDS)
            for line in self.lines
        }


class PledgeForm(ActorForm):
    donor = RecordField(label=_("Donor"))
    quantity = column(Pledge, "quantity", label=_("Quantity"))
    note = column(Pledge, "note", label=_("Note (needed beyond the line)"), widget=forms.TextInput)

    def records(self, actor: Actor) -> dict[str, Among]:
        return {"donor": actor.participants({DONOR: Action.PLEDGE})}


def goods() -> QuerySet[ResourceType]:
    """The resources that go as goods (offered, sent ahead): not staff, not money."""
    kept = [r.pk for r in ResourceType.objects.all() if not not_goods(r, "")]
    return ResourceType.objects.filter(pk__in=kept).order_by("code")


class OfferForm(ActorForm):
    """An offer of goods: the donor (one the user acts for), up to `LINES` lots, each a resource
    with a quantity and the most pledges it may be split into, and when it stops being
    available. A lot left without a resource is not offered."""

    LINES = 3
    LINE_FIELDS = ("resource_type", "quantity", "max_takes")

    field_order = ["donor"]
    donor = RecordField(label=_("Donor"))
    available_until = column(Offer, "available_until", label=_("Available until"))
    note = column(Offer, "note", label=_("Note"), widget=forms.TextInput)

    def __init__(self, data: Any = None, *, actor: Actor, **kwargs: Any) -> None:
        super().__init__(data, actor=actor, **kwargs)
        for slot in range(self.LINES):
            first = slot == 0  # an offer has at least one lot
            number = {"number": slot + 1}
            self.fields[f"resource_type_{slot}"] = forms.ModelChoiceField(
                goods(),
                to_field_name="code",
                required=first,
                label=gettext("Resource, lot %(number)s") % number,
            )
            self.fields[f"quantity_{slot}"] = column(
                OfferLine,
                "quantity",
                required=first,
                label=gettext("Quantity, lot %(number)s") % number,
            )
            self.fields[f"max_takes_{slot}"] = column(
                OfferLine,
                "max_takes",
                required=False,
                label=gettext("Most pledges, lot %(number)s") % number,
            )

    def records(self, actor: Actor) -> dict[str, Among]:
        return {"donor": actor.participants({DONOR: Action.OFFER})}

    def line_rows(self) -> list[list[BoundField]]:
        return [[self[f"{name}_{slot}"] for name in self.LINE_FIELDS] for slot in range(self.LINES)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for slot in self._slots(data):
            if data.get(f"quantity_{slot}") is None and f"quantity_{slot}" not in self.errors:
                self.add_error(f"quantity_{slot}", gettext("a lot needs its quantity"))
        return data

    @staticmethod
    def _slots(data: Mapping[str, Any]) -> list[int]:
        return [slot for slot in range(OfferForm.LINES) if data.get(f"resource_type_{slot}")]

    def lines(self) -> list[tuple[ResourceType, Any, int | None]]:
        """The lots filled in, in order: (resource, quantity, most pledges or None)."""
        data = self.cleaned_data
        return [
            (data[f"resource_type_{slot}"], data[f"quantity_{slot}"], data[f"max_takes_{slot}"])
            for slot in self._slots(data)
        ]

    def field_for(self, path: str) -> str | None:
        """`lines.1.quantity`, the second lot filled in, is its slot's field `quantity_<slot>`."""
        kind, _sep, rest = path.partition(".")
        index, _sep, name = rest.partition(".")
        slots = self._slots(getattr(self, "cleaned_data", {}))
        if kind == "lines" and index.isdigit() and int(index) < len(slots):
            found = f"{name}_{slots[int(index)]}"
            return found if found in self.fields else None
        return super().field_for(path)


class TakeOfferForm(PageForm):
    """A lot taken (in part) as a pledge against an open request line of its resource, named by
    a label people read (the view fills the choices)."""

    request_line = forms.TypedChoiceField(coerce=int, label=_("Request line"))
    quantity = column(Pledge, "quantity", label=_("Quantity"))

    def __init__(self, data: Any = None, *, lines: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["request_line"].choices = lines  # type: ignore[attr-defined]


class PushDeliveryForm(ActorForm):
    """Goods sent ahead: from a donor the user acts for to a recipient (the pairs in force
    first, and by default), a resource of goods and its quantity."""

    donor = RecordField(label=_("Donor"))
    recipient = RecordField(label=_("Recipient"))
    resource_type = forms.ModelChoiceField(
        ResourceType.objects.none(), to_field_name="code", label=_("Resource")
    )
    quantity = column(PushDelivery, "quantity", label=_("Quantity"))
    dispatched_on = column(PushDelivery, "dispatched_on", required=False, label=_("Dispatched on"))
    note = column(PushDelivery, "note", label=_("Note"), widget=forms.TextInput)

    def __init__(self, data: Any = None, *, actor: Actor, **kwargs: Any) -> None:
        super().__init__(data, actor=actor, **kwargs)
        self.fields["recipient"].initial = _first_offered(self.offered("recipient"))
        self.fields["resource_type"].queryset = goods()  # type: ignore[attr-defined]

    def records(self, actor: Actor) -> dict[str, Among]:
        return donor_and_recipient(actor)


class PushMoveForm(ActorForm):
    """One move of a push delivery from its row: a note (a decline's reason), and for a
    redirect the recipient the goods go on to (the donor's pairs first)."""

    note = column(PushDeliveryEvent, "note", label=_("Reason or note"), widget=forms.TextInput)
    to = RecordField(required=False, label=_("Send on to"))

    def __init__(self, data: Any = None, *, actor: Actor, donor_id: int, **kwargs: Any) -> None:
        self.donor_id = donor_id
        super().__init__(data, actor=actor, **kwargs)

    def records(self, actor: Actor) -> dict[str, Among]:
        return {
            "to": actor.recipients(
                actor.paired.get(self.donor_id, []),
                only_paired=not actor.programme.pledges_beyond_pairs,
            )
        }


class DispatchForm(PageForm):
    quantity = column(Shipment, "quantity", label=_("Quantity"))
    reference = column(Shipment, "reference", label=_("Waybill or transfer no."))
    # The value of in-kind aid, never below nothing.
    value_cny = column(Shipment, "value_cny", min_value=0, label=_("Value (CNY)"))


class ReceiptForm(PageForm):
    received_quantity = column(
        Shipment, "received_quantity", required=True, min_value=0, label=_("Quantity received")
    )
    discrepancy = forms.ChoiceField(
        choices=[("", "—"), *Discrepancy.Kind.choices], required=False, label=_("Problem")
    )
    discrepancy_quantity = column(Discrepancy, "quantity", required=False, label=_("How many"))
    note = column(Discrepancy, "note", label=_("Note"), widget=forms.TextInput)


class DisburseForm(PageForm):
    amount = column(Disbursement, "amount", label=_("Amount"))
    reference = column(Disbursement, "reference", label=_("Transfer no."))


class FundReceiptForm(PageForm):
    received_amount = column(
        Disbursement, "received_amount", required=True, min_value=0, label=_("Amount received")
    )
    note = column(Discrepancy, "note", label=_("Note"), widget=forms.TextInput)


# The ledger's inline forms (pledge, dispatch, receipt, disbursement) show no labels in their
# table rows: each field names itself in its placeholder and, for screen readers, aria-label.
for _form in (PledgeForm, TakeOfferForm, DispatchForm, ReceiptForm, DisburseForm, FundReceiptForm):
    for _field in _form.base_fields.values():
        if not isinstance(_field.widget, forms.Select):
            _field.widget.attrs.setdefault("placeholder", _field.label)
        _field.widget.attrs.setdefault("aria-label", _field.label)


class GapsQuery(DateQuery):
    """The gaps page's date and the year whose contribution rule it checks."""

    year = column(FundCommitment, "year", required=False)


# The league table's columns a reader may sort by.
LEAGUE_SORTS = [
    "staff_deployed",
    "staff_pledged",
    "days_to_first_arrival",
    "fulfilment_rate",
    "median_lead_days",
    "coverage",
    "assessment_score",
    "donor",
]


class LeagueQuery(DateQuery):
    sort = forms.ChoiceField(choices=[(name, name) for name in LEAGUE_SORTS], required=False)
    format = forms.ChoiceField(choices=[("csv", "CSV")], required=False)


class WorkbookQuery(forms.Form):
    """The workbook page: the template (`?download=1`) or one sheet as CSV (`?csv=teams`)."""

    csv = forms.ChoiceField(required=False)
    download = forms.BooleanField(required=False)

    def __init__(self, *args: Any, sheets: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["csv"].choices = [(sheet, sheet) for sheet in sheets]  # type: ignore[attr-defined]


class CareRatiosForm(PageForm):
    """The programme's care-ratio table, one line of fields per bed type (`doctors_per_bed_icu`,
    `nurses_per_bed_icu`, `counts_icu`, `source_icu`). A line left without figures has no row."""

    LINE = ("doctors_per_bed", "nurses_per_bed", "counts", "source")

    def lines(self) -> list[tuple[str, list[BoundField]]]:
        return [
            (str(BED_TYPE_LABELS[t]), [self[f"{name}_{t}"] for name in self.LINE])
            for t in BED_TYPES
        ]

    def rows(self) -> dict[str, dict[str, Any]]:
        """The cleaned lines that give a figure, by bed type."""
        data = self.cleaned_data
        lines = {t: {name: data[f"{name}_{t}"] for name in self.LINE} for t in BED_TYPES}
        return {
            t: line
            for t, line in lines.items()
            if line["doctors_per_bed"] is not None or line["nurses_per_bed"] is not None
        }

    @classmethod
    def initial_of(cls, rows: list[tuple[str, CareRatio | None]]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for bed_type, row in rows:
            if row is not None:
                initial |= {
                    f"doctors_per_bed_{bed_type}": row.doctors_per_bed,
                    f"nurses_per_bed_{bed_type}": row.nurses_per_bed,
                    f"counts_{bed_type}": row.counts,
                    f"source_{bed_type}": row.source.key if row.source else "",
                }
        return initial


_declare(
    CareRatiosForm,
    {
        f"{name}_{t}": field
        for t in BED_TYPES
        for name, field in (
            ("doctors_per_bed", column(CareRatio, "doctors_per_bed", required=False)),
            ("nurses_per_bed", column(CareRatio, "nurses_per_bed", required=False)),
            ("counts", column(CareRatio, "counts", required=False)),
            ("source", forms.CharField(required=False, max_length=120)),
        )
    },
)


class TransferForm(PageForm):
    """A transfer request: from one of the user's facilities or its region's community queue
    ("queue-<participant id>"), to any facility of the programme. The view fills the choices;
    the service checks the user's standing for the origin."""

    origin = forms.ChoiceField(label=pgettext_lazy("transfer origin", "From"))
    receiving_facility = forms.TypedChoiceField(coerce=int, label=_("Receiving facility"))
    acuity = column(Transfer, "acuity")
    requested = column(Transfer, "requested")
    reference = column(Transfer, "reference", required=False)
    note = forms.CharField(
        required=False, max_length=NOTE_MAX_CHARS, widget=forms.TextInput, label=_("Note")
    )

    QUEUE = "queue-"

    def __init__(
        self,
        data: Any = None,
        *,
        origins: list[tuple[str, str]],
        receivers: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.fields["origin"].choices = origins  # type: ignore[attr-defined]
        self.fields["receiving_facility"].choices = receivers  # type: ignore[attr-defined]


class TransferMoveForm(PageForm):
    """One move of a transfer from its row: the patients accepted (accept only) and a reason."""

    count = forms.IntegerField(required=False, min_value=1, label=_("Patients accepted"))
    reason = forms.CharField(
        required=False, max_length=NOTE_MAX_CHARS, widget=forms.TextInput, label=_("Reason")
    )


class QueueForm(PageForm):
    """A count of a recipient region's community queue of one acuity, now."""

    recipient = forms.TypedChoiceField(coerce=int, label=_("Recipient"))
    acuity = column(QueueEntry, "acuity")
    waiting = column(QueueEntry, "waiting")

    def __init__(self, data: Any = None, *, recipients: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(data, **kw)
        self.fields["recipient"].choices = recipients  # type: ignore[attr-defined]


# What a coordinator states with a placement recommendation, until it says otherwise: a patient
# transport's road speed, roads a third longer than the straight line, and how long each acuity
# may travel. Policy to be set per programme, not facts: the page says so.
PLACEMENT_DEFAULTS: dict[str, float] = {
    "road_kmh": 60.0,
    "road_factor": 1.3,
    "max_travel_hours_icu_ventilated": 6.0,
    "max_travel_hours_icu": 4.0,
    "max_travel_hours_oxygen": 3.0,
    "max_travel_hours_general": 3.0,
}


class PlacementForm(PageForm):
    """The assumptions of a placement recommendation (services.placement checks their bounds)."""

    road_kmh = forms.FloatField(
        label=_("Road speed (km/h)"), initial=PLACEMENT_DEFAULTS["road_kmh"]
    )
    road_factor = forms.FloatField(
        label=_("Road length over the straight line"), initial=PLACEMENT_DEFAULTS["road_factor"]
    )

    def assumptions(self) -> Any:
        from pairaid.operations.queries.placement import Assumptions

        data = self.cleaned_data
        return Assumptions(
            road_kmh=data["road_kmh"],
            road_factor=data["road_factor"],
            max_travel_hours={t: data[f"max_travel_hours_{t}"] for t in BED_TYPES},
        )

    def limits(self) -> list[BoundField]:
        return [self[f"max_travel_hours_{t}"] for t in reversed(BED_TYPES)]


_declare(
    PlacementForm,
    {
        f"max_travel_hours_{t}": forms.FloatField(
            required=False,
            label=BED_TYPE_LABELS[t],
            initial=PLACEMENT_DEFAULTS[f"max_travel_hours_{t}"],
            help_text=_("hours; empty: no limit"),
        )
        for t in BED_TYPES
    },
)


class MatchingDonorForm(forms.Form):
    """The donor whose lines of a matching proposal are accepted as pledges."""

    donor = forms.IntegerField(label=_("Donor"), min_value=1)


class PlacementLinesForm(forms.Form):
    """The lines of a recommendation to turn into transfer requests (their indices)."""

    lines = forms.TypedMultipleChoiceField(coerce=int, label=_("Lines"))

    def __init__(self, data: Any = None, *, count: int, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["lines"].choices = [(i, str(i + 1)) for i in range(count)]  # type: ignore[attr-defined]
