"""Beyond the inbox: each user's preferences (immediately, the daily digest, not at all), the
digest as one mail per user, a burst merged into one message, escalation of what nobody
acknowledged, and the coordinator's page of failed e-mail with resend."""

import datetime
import re
import zoneinfo
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from tests.conversations.test_outbox import RefusingBackend
from tests.conversations.test_routing import raise_request
from tests.operations.helpers import participant

from pairaid.conversations import outbox, preferences, services, watch
from pairaid.conversations.mail import compose
from pairaid.conversations.models import Delivery, Event, Notification
from pairaid.errors import ValidationFailed
from pairaid.operations.models import Request
from pairaid.operations.services import requests as request_services
from pairaid.programmes.models import Programme

pytestmark = pytest.mark.django_db

State = Delivery.State
Kind = Event.Kind
Mode = preferences.Mode
REFUSING = f"{RefusingBackend.__module__}.RefusingBackend"


def mails_to(user) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [m for m in mail.outbox if m.to == [user.email]]


def fall_due() -> None:
    """The held and digest deliveries' time has come (as after the window, or at the hour)."""
    Delivery.objects.exclude(next_attempt_at=None).update(next_attempt_at=timezone.now())


def numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"raised request (\d+)", text)]


def test_the_inbox_records_every_event_and_mail_follows_each_users_choice(cast):
    preferences.choose(user=cast["donor"], choices={Kind.REQUEST_RAISED: Mode.OFF})
    preferences.choose(user=cast["hunan"], choices={Kind.REQUEST_RAISED: Mode.DIGEST})
    raise_request(cast)
    assert Notification.objects.filter(recipient=cast["donor"]).count() == 1  # the inbox has it
    assert not Delivery.objects.filter(notification__recipient=cast["donor"]).exists()
    digest = Delivery.objects.get(notification__recipient=cast["hunan"])
    assert digest.digest and digest.pk not in outbox.due_ids()  # waits for the digest hour
    assert preferences.of_user(cast["donor"])[Kind.REQUEST_RAISED] == Mode.OFF
    assert preferences.of_user(cast["recipient"])[Kind.PLEDGE_MADE] == Mode.DIGEST  # default


def test_the_digest_goes_at_the_set_hour_of_the_programmes_time_zone(settings):
    settings.PAIRAID_DIGEST_HOUR = 7
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    six = datetime.datetime(2020, 2, 12, 6, tzinfo=shanghai)
    assert outbox.next_digest(shanghai, six) == six.replace(hour=7)
    assert outbox.next_digest(shanghai, six.replace(hour=7)) == datetime.datetime(
        2020, 2, 13, 7, tzinfo=shanghai
    )


def test_each_user_gets_the_digest_at_the_hour_in_their_own_time_zone(cast, settings, monkeypatch):
    """A donor officer in Chicago gets it at 07:00 Chicago time; the others at 07:00 in the
    programme's (Shanghai), the default."""
    settings.PAIRAID_DIGEST_HOUR = 7
    shanghai, chicago = zoneinfo.ZoneInfo("Asia/Shanghai"), zoneinfo.ZoneInfo("America/Chicago")
    preferences.choose(user=cast["donor"], choices={Kind.REQUEST_RAISED: Mode.DIGEST})
    preferences.choose(
        user=cast["hunan"], choices={Kind.REQUEST_RAISED: Mode.DIGEST}, time_zone="America/Chicago"
    )
    raised_at = datetime.datetime(2020, 2, 12, 6, tzinfo=shanghai)  # 16:00 the day before there
    monkeypatch.setattr(outbox.timezone, "now", lambda: raised_at)
    raise_request(cast)

    def digests_due_at(instant: datetime.datetime) -> set[str]:
        monkeypatch.setattr(outbox.timezone, "now", lambda: instant)
        due = Delivery.objects.filter(pk__in=outbox.due_ids())
        return set(due.values_list("notification__recipient__username", flat=True))

    assert digests_due_at(raised_at.replace(hour=7)) == {"dan_shandong"}  # 17:00 in Chicago
    assert digests_due_at(datetime.datetime(2020, 2, 12, 7, tzinfo=chicago)) == {
        "dan_shandong",
        "hugo_hunan",
    }
    with pytest.raises(ValidationFailed, match="Mars/Olympus is not an IANA time zone name"):
        preferences.choose(user=cast["donor"], choices={}, time_zone="Mars/Olympus")


def test_a_digest_is_one_mail_in_the_users_language_sent_once_even_after_a_failure(cast, settings):
    cast["hunan"].language = "zh-hans"
    cast["hunan"].save()
    preferences.choose(user=cast["hunan"], choices={Kind.REQUEST_RAISED: Mode.DIGEST})
    raised = [raise_request(cast).number for _ in range(3)]
    fall_due()
    settings.EMAIL_BACKEND = REFUSING
    outbox.send_due()  # the hour comes, the server refuses: all three wait in one mail
    waiting = Delivery.objects.filter(notification__recipient=cast["hunan"])
    assert {d.state for d in waiting} == {State.FAILED}
    [carrier] = waiting.filter(carrier=None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    fall_due()
    outbox.send_due()
    outbox.send_due()  # a turn again: nothing is sent twice
    [digest] = mails_to(cast["hunan"])
    assert digest.extra_headers["Message-ID"] == carrier.message_id
    assert "每日摘要" in digest.subject and "3" in digest.subject
    for number in raised:
        assert f"/p/hubei-2020/requests/#request-{number}" in digest.body
    assert {d.state for d in waiting.all()} == {State.SENT}


def test_a_burst_is_merged_into_one_message_and_nothing_is_dropped(
    cast, settings, django_capture_on_commit_callbacks
):
    settings.PAIRAID_MAIL_BURST = 2
    raised = []
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):  # sent as each commits
            raised.append(raise_request(cast).number)
    assert len(mails_to(cast["donor"])) == 2  # the burst's first two, each at once
    held = Delivery.objects.filter(notification__recipient=cast["donor"], state=State.PENDING)
    assert held.count() == 3 and len({d.next_attempt_at for d in held}) == 1
    assert next(iter(held)).next_attempt_at > timezone.now()
    fall_due()
    outbox.send_due()
    mails = mails_to(cast["donor"])
    assert len(mails) == 3 and "3 notifications" in mails[-1].subject
    assert sorted(n for m in mails for n in set(numbers(m.body))) == sorted(raised)
    assert not Delivery.objects.exclude(state=State.SENT).exists()


def test_an_unacknowledged_request_escalates_to_the_coordinators_once_after_the_set_time(cast):
    hubei = Programme.objects.get(slug="hubei-2020")
    ignored, read = raise_request(cast), raise_request(cast)
    at = Event.objects.filter(kind=Kind.REQUEST_RAISED).latest("pk").occurred_at
    services.mark_read(
        user=cast["hunan"],
        notification_ids=Notification.objects.filter(
            recipient=cast["hunan"], event__subject_id=read.pk
        ).values_list("pk", flat=True),
    )
    day = datetime.timedelta(hours=hubei.escalate_after_hours)
    assert watch.escalate(hubei, at + day - datetime.timedelta(minutes=1)) == 0  # not yet
    assert watch.escalate(hubei, at + day) == 1  # only the one nobody read
    assert watch.escalate(hubei, at + day + datetime.timedelta(hours=1)) == 0  # once
    escalation = Event.objects.get(kind=Kind.ESCALATED)
    assert escalation.subject.subject == ignored
    assert set(escalation.notifications.values_list("recipient__username", flat=True)) == {
        "carol_coordinator"
    }
    [sent] = Delivery.objects.filter(notification__event=escalation)
    body = compose(sent).body  # the coordinator's mail names what was left unanswered
    assert (
        f"Nobody acknowledged this within 24 hours: Huanggang raised request {ignored.number}"
        in body
    )
    assert f"#request-{ignored.number}" in body


def test_an_expiry_warning_nobody_reads_or_answers_escalates_to_the_coordinators(cast):
    hubei = Programme.objects.get(slug="hubei-2020")
    ignored, renewed, pledged = (raise_request(cast) for _ in range(3))
    expires = hubei.current_date() + datetime.timedelta(days=3)
    Request.objects.filter(pk__in=[ignored.pk, renewed.pk, pledged.pk]).update(expires_on=expires)
    assert watch.requests_expiring(hubei, timezone.now()) == 3
    at = Event.objects.filter(kind=Kind.REQUEST_EXPIRING).latest("pk").occurred_at
    renewed.refresh_from_db()
    request_services.renew_request(request=renewed)  # the recipient renews one
    request_services.pledge(  # a donor pledges against another while it lasts
        line=pledged.lines.get(), donor=participant("370000"), quantity=Decimal(10), user=None
    )
    watch.escalate(hubei, at + datetime.timedelta(hours=hubei.escalate_after_hours))

    escalated = Event.objects.filter(kind=Kind.ESCALATED, args__kind=Kind.REQUEST_EXPIRING)
    [escalation] = escalated
    assert escalation.subject.subject == ignored  # only the warning nobody answered
    assert set(escalation.notifications.values_list("recipient__username", flat=True)) == {
        "carol_coordinator"
    }


def test_the_failed_e_mail_page_is_the_coordinators_of_its_programme_and_resends(
    cast, client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = REFUSING
    raise_request(cast)
    first, second = Delivery.objects.order_by("pk")
    outbox.send_due()
    page = "/p/hubei-2020/deliveries/failed"
    for role, status in [("donor", 403), ("observer", 403), ("outsider", 404)]:
        client.force_login(cast[role])
        assert client.get(page).status_code == status
        assert client.post(page, {"delivery": "all"}).status_code == status
    client.force_login(cast["outsider"])  # a coordinator of another programme sees none of it
    assert (
        "mail server down" not in client.get("/p/wenchuan-2008/deliveries/failed").content.decode()
    )
    client.force_login(cast["coordinator"])
    shown = client.get(page).content.decode()
    assert shown.count("ConnectionRefusedError: mail server down") == 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(page, {"delivery": first.pk}).status_code == 302
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [first.message_id]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, {"delivery": "all"})
    assert [m.extra_headers["Message-ID"] for m in mail.outbox][1:] == [second.message_id]
    assert "No failed e-mail." in client.get(page).content.decode()
    assert client.post(page, {"delivery": "x"}).status_code == 400


def test_the_preferences_page_saves_each_kinds_choice_in_both_languages(cast, client):
    client.force_login(cast["donor"])
    assert "Notification preferences" in client.get("/inbox/").content.decode()
    chosen = {kind: preferences.default(kind) for kind in Kind.values}
    chosen[Kind.MESSAGE] = Mode.OFF
    assert client.post("/inbox/preferences", chosen).status_code == 302
    assert preferences.of_user(cast["donor"])[Kind.MESSAGE] == Mode.OFF
    refused = client.post("/inbox/preferences", {**chosen, Kind.MESSAGE: "hourly"})
    assert refused.status_code == 400
    client.post("/inbox/preferences", {**chosen, "time_zone": "Europe/Berlin"})
    cast["donor"].refresh_from_db()
    assert cast["donor"].time_zone == "Europe/Berlin"
    refused = client.post("/inbox/preferences", {**chosen, "time_zone": "Mars/Olympus"})
    assert "Mars/Olympus is not an IANA time zone name" in refused.content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/inbox/"})
    assert "每日摘要" in client.get("/inbox/preferences").content.decode()
