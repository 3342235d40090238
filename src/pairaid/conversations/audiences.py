"""Who may read and post in a thread, and the programme's members by role and region: the one
place threads and events ask, built on `accounts.permissions` (DESIGN.md §7) rather than beside
it.

- a pair's thread: the pair's officers and the programme's coordinators; read-only once the pair
  has no pairing in force or due (it has ended);
- the announcements: every member reads (observers included), only coordinators post;
- an object's thread: whoever may see the object reads (every member: everyone in a programme
  reads its ledger), whoever may change anything in the programme posts (not observers).
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext

from pairaid.accounts import permissions
from pairaid.accounts.models import Membership
from pairaid.accounts.permissions import Action
from pairaid.conversations.models import Message, Thread
from pairaid.errors import Forbidden, NotFound
from pairaid.pairing.models import Pairing
from pairaid.programmes.models import Programme

Role = Membership.Role


def pair_regions(thread: Thread) -> tuple[int, int]:
    """A pair thread's donor and recipient regions."""
    assert thread.donor is not None and thread.recipient is not None
    return thread.donor.region_id, thread.recipient.region_id


def may_read(user: Any, thread: Thread) -> bool:
    standing = permissions.access(user, thread.programme)
    if not standing.can_view:
        return False
    if thread.kind == Thread.Kind.PAIR:
        return standing.in_pair(*pair_regions(thread))
    return True


def is_open(thread: Thread) -> bool:
    """A pair's thread stays open while the pair has a pairing in force or due to start."""
    if thread.kind != Thread.Kind.PAIR:
        return True
    return (
        Pairing.objects.filter(donor=thread.donor_id, recipient=thread.recipient_id).open().exists()
    )


def may_post(user: Any, thread: Thread) -> bool:
    if not may_read(user, thread) or not is_open(thread):
        return False
    if thread.kind == Thread.Kind.ANNOUNCEMENTS:
        return permissions.can(user, Action.ANNOUNCE, thread.programme)
    return permissions.access(user, thread.programme).may_write


def check_read(user: Any, thread: Thread) -> None:
    """NotFound for a thread the user may not read (as for a programme it cannot see)."""
    if not may_read(user, thread):
        raise NotFound(f"no thread {thread.pk} in {thread.programme.slug}")


def check_post(user: Any, thread: Thread) -> None:
    """NotFound where the thread is unseen, Forbidden where it is read-only for the user."""
    check_read(user, thread)
    if not is_open(thread):
        raise Forbidden(gettext("this pair has ended: its thread is kept, read-only"))
    if not may_post(user, thread):
        raise Forbidden(gettext("you may read this thread but not post in it"))


def check_edit(user: Any, message: Message) -> None:
    """A message is corrected by its author, while they may still post in its thread."""
    check_post(user, message.thread)
    if message.author_id != getattr(user, "pk", None):
        raise Forbidden(gettext("only its author corrects a message"))


def members(
    programme: Programme,
    *,
    roles: Iterable[str] = (),
    region_ids: Iterable[int] | None = None,
    facility_ids: Iterable[int] = (),
) -> set[int]:
    """The ids of active users with one of `roles` in the programme (officers: for one of
    `region_ids`), and the officers of `facility_ids`."""
    scope = Q(role__in=list(roles))
    if region_ids is not None:
        scope &= Q(region_id__in=list(region_ids))
    scope |= Q(role=Role.FACILITY_OFFICER, facility_id__in=list(facility_ids))
    return set(
        Membership.objects.filter(programme=programme, user__is_active=True)
        .filter(scope)
        .values_list("user_id", flat=True)
    )


def coordinators(programme: Programme) -> set[int]:
    return members(programme, roles=[Role.COORDINATOR])


def everyone(programme: Programme) -> set[int]:
    return members(programme, roles=Role.values)


def officers(programme: Programme, role: str, region_ids: Iterable[int]) -> set[int]:
    return members(programme, roles=[role], region_ids=region_ids)


def readers(thread: Thread) -> set[int]:
    """The members who may read the thread (administrators aside: they belong to none)."""
    programme = thread.programme
    if thread.kind == Thread.Kind.PAIR:
        donor_region, recipient_region = pair_regions(thread)
        return (
            coordinators(programme)
            | officers(programme, Role.DONOR_OFFICER, [donor_region])
            | officers(programme, Role.RECIPIENT_OFFICER, [recipient_region])
        )
    return everyone(programme)
