"""Threads through their pages: who reads and who writes each kind (the permission matrix),
an ended pair's thread kept read-only, mentions, edits kept in the history, search, and the
warning on transfer threads."""

from decimal import Decimal

import pytest
from tests.operations.helpers import participant, resource

from pairaid.conversations import audiences, queries, services
from pairaid.conversations.models import Event, Message, Notification, Thread
from pairaid.errors import Forbidden, ValidationFailed
from pairaid.operations.services import requests as request_services
from pairaid.pairing.models import Pairing

pytestmark = pytest.mark.django_db

SHANDONG, HUANGGANG = "370000", "421100"
ROLES = ["admin", "coordinator", "donor", "recipient", "observer", "outsider", "hunan", "jiangxi"]


def pair_url(donor: str = SHANDONG, recipient: str = HUANGGANG) -> str:
    d, r = participant(donor, "donor"), participant(recipient, "recipient")
    return f"/p/hubei-2020/threads/pair/{d.pk}-{r.pk}/"


def request_url(cast) -> str:  # type: ignore[no-untyped-def]
    made = request_services.raise_request(
        recipient=participant(HUANGGANG),
        lines=[request_services.LineIn(resource("n95_mask"), Decimal(100))],
        user=cast["recipient"],
    )
    return f"/p/hubei-2020/threads/request/{made.number}/"


def status_of(client, user, method, url, **data):  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = getattr(client, method)(url, data)
    client.logout()
    return response.status_code


# Reading (GET) and posting (POST) by role: 200 read, 302 posted, 403 seen but read-only, 404
# unseen. Shandong → Huanggang's thread is its two officers' and the coordinators'; Hunan
# (Huanggang's other donor) and Jiangxi (another pair) do not see it.
PAIR = {
    "admin": (200, 302),
    "coordinator": (200, 302),
    "donor": (200, 302),
    "recipient": (200, 302),
    "observer": (404, 404),
    "outsider": (404, 404),
    "hunan": (404, 404),
    "jiangxi": (404, 404),
}
ANNOUNCEMENTS = {
    "admin": (200, 302),
    "coordinator": (200, 302),
    "donor": (200, 403),
    "recipient": (200, 403),
    "observer": (200, 403),
    "outsider": (404, 404),
    "hunan": (200, 403),
    "jiangxi": (200, 403),
}
OBJECT = {
    "admin": (200, 302),
    "coordinator": (200, 302),
    "donor": (200, 302),
    "recipient": (200, 302),
    "observer": (200, 403),
    "outsider": (404, 404),
    "hunan": (200, 302),
    "jiangxi": (200, 302),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["pair", "announcements", "request"])
def test_who_reads_and_who_posts(client, cast, role, which):
    url = {
        "pair": pair_url,
        "announcements": lambda: "/p/hubei-2020/threads/announcements/-/",
        "request": lambda: request_url(cast),
    }[which]()
    expected = {"pair": PAIR, "announcements": ANNOUNCEMENTS, "request": OBJECT}[which][role]
    user = cast[role]
    assert status_of(client, user, "get", url) == expected[0]
    assert status_of(client, user, "post", url, body=f"hello from {role}") == expected[1]
    assert Message.objects.filter(body=f"hello from {role}").exists() == (expected[1] == 302)


def test_the_query_of_readers_agrees_with_the_permission(cast):
    """`audiences.readers` (a query, for routing), `queries.readable` (a query, for the lists)
    and `may_read` (the permission) say the same of every user, for each kind of thread."""
    client_thread = services.post(
        thread=queries.thread_at(
            cast["donor"], participant(SHANDONG).programme, "pair", pair_url().split("/")[-2]
        ),
        author=cast["donor"],
        body="first",
    ).thread
    programme = client_thread.programme
    announcements = Thread.objects.create(programme=programme, kind=Thread.Kind.ANNOUNCEMENTS)
    members = [u for u in cast.values() if u is not None and not u.is_platform_admin]
    for thread in (client_thread, announcements):
        readers = {u.pk for u in members if audiences.may_read(u, thread)}
        assert audiences.readers(thread) == readers
        listed = {u.pk for u in members if queries.readable(u, programme).filter(pk=thread.pk)}
        assert listed == readers


def test_an_ended_pair_keeps_its_thread_read_only(client, cast):
    url = pair_url()
    assert status_of(client, cast["donor"], "post", url, body="before") == 302
    Pairing.objects.filter(
        donor=participant(SHANDONG, "donor"), recipient=participant(HUANGGANG, "recipient")
    ).update(status=Pairing.Status.ENDED)
    client.force_login(cast["donor"])
    page = client.get(url)
    assert page.status_code == 200 and b"before" in page.content and b"read-only" in page.content
    assert client.post(url, {"body": "after"}).status_code == 403


def test_a_message_tells_the_pair_and_a_mention_the_named(cast):
    thread = queries.thread_at(
        cast["recipient"], participant(HUANGGANG).programme, "pair", pair_url().split("/")[-2]
    )
    services.post(thread=thread, author=cast["recipient"], body="masks short, @carol_coordinator.")
    message_told = set(
        Notification.objects.filter(event__kind=Event.Kind.MESSAGE).values_list(
            "recipient__username", flat=True
        )
    )
    mention_told = set(
        Notification.objects.filter(event__kind=Event.Kind.MENTION).values_list(
            "recipient__username", flat=True
        )
    )
    assert message_told == {"dan_shandong"} and mention_told == {"carol_coordinator"}


def test_a_mention_of_someone_who_may_not_read_the_thread_is_refused(cast):
    thread = queries.thread_at(
        cast["donor"], participant(SHANDONG).programme, "pair", pair_url().split("/")[-2]
    )
    with pytest.raises(ValidationFailed, match="@olga_observer may not read this thread"):
        services.post(thread=thread, author=cast["donor"], body="see @olga_observer")
    with pytest.raises(ValidationFailed, match="@nobody_at_all: there is no such user"):
        services.post(thread=thread, author=cast["donor"], body="see @nobody_at_all")
    assert not Message.objects.exists()
    # An e-mail address is not a mention.
    services.post(thread=thread, author=cast["donor"], body="write to ops@example.org")


def test_an_edit_keeps_the_earlier_text_and_only_the_author_edits(client, cast):
    thread = queries.thread_at(
        cast["donor"], participant(SHANDONG).programme, "pair", pair_url().split("/")[-2]
    )
    message = services.post(thread=thread, author=cast["donor"], body="500 masks on Friday")
    with pytest.raises(Forbidden):
        services.edit(message=message, editor=cast["recipient"], body="changed")
    services.edit(message=message, editor=cast["donor"], body="800 masks on Friday")
    message.refresh_from_db()
    assert message.edited_at is not None
    assert [h.body for h in message.history.order_by("history_id")] == [
        "500 masks on Friday",
        "800 masks on Friday",
    ]
    client.force_login(cast["recipient"])
    page = client.get(pair_url()).content.decode()
    assert "800 masks on Friday" in page and "500 masks on Friday" in page  # the earlier text
    assert client.get(f"/p/hubei-2020/messages/{message.pk}/edit").status_code == 403


def test_text_is_escaped_with_its_line_breaks_and_links(client, cast):
    client.force_login(cast["donor"])
    client.post(pair_url(), {"body": "<script>x()</script>\nsee https://example.org/a"})
    page = client.get(pair_url()).content.decode()
    assert "<script>x()" not in page and "&lt;script&gt;x()&lt;/script&gt;<br>" in page
    assert 'href="https://example.org/a"' in page


def test_search_finds_a_substring_whatever_its_case_in_the_threads_one_may_read(client, cast):
    programme = participant(SHANDONG).programme
    pair = queries.thread_at(cast["donor"], programme, "pair", pair_url().split("/")[-2])
    services.post(thread=pair, author=cast["donor"], body="黄冈市中心医院需要 N95 Masks")
    announcements = queries.thread_at(cast["coordinator"], programme, "announcements", "-")
    services.post(thread=announcements, author=cast["coordinator"], body="all N95 stock counted")
    assert [m.body for m in queries.search(cast["donor"], programme, "中心医院")] == [
        "黄冈市中心医院需要 N95 Masks"
    ]
    assert len(queries.search(cast["donor"], programme, "n95 MASKS")) == 1
    assert len(queries.search(cast["donor"], programme, "n95")) == 2
    # The observer reads the announcements, not the pair's thread.
    assert [m.body for m in queries.search(cast["observer"], programme, "N95")] == [
        "all N95 stock counted"
    ]
    client.force_login(cast["observer"])
    page = client.get("/p/hubei-2020/threads/", {"q": "n95"}).content.decode()
    assert "all N95 stock counted" in page and "中心医院" not in page


def test_a_transfer_thread_warns_not_to_write_patients_names(client, cast):
    from tests.conversations.test_routing import AT

    from pairaid.operations.services import facilities as facility_services
    from pairaid.operations.services import transfers as transfer_services

    def hospital(name: str):  # type: ignore[no-untyped-def]
        return facility_services.register_facility(recipient=participant(HUANGGANG), name=name)

    transfer = transfer_services.request_transfer(
        origin=hospital("A"),
        receiving_facility=hospital("B"),
        acuity="icu",
        requested=1,
        user=cast["recipient"],
        at=AT,
    )
    client.force_login(cast["recipient"])
    page = client.get(f"/p/hubei-2020/threads/transfer/{transfer.number}/").content.decode()
    assert 'id="no-patient-names"' in page
    assert 'id="no-patient-names"' not in client.get(pair_url()).content.decode()


def test_the_threads_page_lists_ones_pairs_and_unread_counts(client, cast):
    client.force_login(cast["recipient"])
    client.post(pair_url(), {"body": "hello Shandong"})
    client.force_login(cast["donor"])
    page = client.get("/p/hubei-2020/threads/").content.decode()
    assert pair_url() in page and 'class="unread"' in page
    client.get(pair_url())  # read
    assert 'class="unread"' not in client.get("/p/hubei-2020/threads/").content.decode()


def _mention_told(message: Message) -> list[str]:
    return sorted(
        Notification.objects.filter(
            event__kind=Event.Kind.MENTION, event__subject_id=message.pk
        ).values_list("recipient__username", flat=True)
    )


def test_an_edit_tells_whom_it_newly_mentions_and_no_one_twice(cast):
    thread = queries.thread_at(
        cast["donor"], participant(SHANDONG).programme, "pair", pair_url().split("/")[-2]
    )
    message = services.post(thread=thread, author=cast["donor"], body="masks on Friday")
    assert _mention_told(message) == []
    services.edit(message=message, editor=cast["donor"], body="masks on Friday, @carol_coordinator")
    assert _mention_told(message) == ["carol_coordinator"]
    # The thread's readers are not told of the edit: one message event, at posting.
    assert Event.objects.filter(kind=Event.Kind.MESSAGE).count() == 1
    # Naming the recipient officer too tells only them; unnaming and renaming tells no one again.
    recipient = cast["recipient"].username
    services.edit(
        message=message,
        editor=cast["donor"],
        body=f"masks on Friday, @carol_coordinator @{recipient}",
    )
    services.edit(message=message, editor=cast["donor"], body="masks on Friday")
    services.edit(message=message, editor=cast["donor"], body="masks, @carol_coordinator")
    assert _mention_told(message) == sorted(["carol_coordinator", recipient])
    assert Notification.objects.filter(event__kind=Event.Kind.MENTION).count() == 2


def test_an_edit_mentioning_someone_who_may_not_read_the_thread_is_refused(cast):
    thread = queries.thread_at(
        cast["donor"], participant(SHANDONG).programme, "pair", pair_url().split("/")[-2]
    )
    message = services.post(thread=thread, author=cast["donor"], body="masks on Friday")
    with pytest.raises(ValidationFailed, match="@hugo_hunan may not read this thread"):
        services.edit(message=message, editor=cast["donor"], body="see @hugo_hunan")
    message.refresh_from_db()
    assert message.body == "masks on Friday" and message.edited_at is None
    assert not message.mentions.exists() and _mention_told(message) == []
