"""A notification as an e-mail: in its recipient's language, with a link straight to its object
(an absolute address from PAIRAID_SITE_URL), sent with the delivery's own Message-ID. Several
notifications due together for one address (a merged burst, the daily digest) go as one
message listing each with its link."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pairaid.conversations import links, texts
from pairaid.conversations.models import Delivery
from pairaid.labels import local_name
from pairaid.registry.models import Region


def language_of(user: object) -> str:
    """The language the user chose last (accounts.language), else the site's."""
    chosen = getattr(user, "language", "") or ""
    supported = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in supported else settings.LANGUAGE_CODE


def _item(delivery: Delivery, named: dict[int, Region]) -> list[str]:
    """One notification in a message listing several: its sentence, its link."""
    event = delivery.notification.event
    page = links.of_event(event)
    lines = [f"- {texts.summary(event, named)}"]
    if page:
        lines.append(f"  {settings.PAIRAID_SITE_URL}{page}")
    return lines


def _body(delivery: Delivery, carried: list[Delivery]) -> tuple[str, list[str]]:
    """The subject and the lines of the message, in the active language."""
    events = [d.notification.event for d in [delivery, *carried]]
    named = texts.regions(events)
    if not carried:
        event = delivery.notification.event
        summary = texts.summary(event, named)
        page = links.of_event(event)
        lines = [summary, ""]
        if page:
            lines += [_("Open it in PairAid:"), settings.PAIRAID_SITE_URL + page, ""]
        return f"[PairAid] {summary}", lines
    count = len(events)
    if delivery.digest or any(d.digest for d in carried):
        subject = ngettext(
            "Your daily digest: %(count)s notification",
            "Your daily digest: %(count)s notifications",
            count,
        ) % {"count": count}
    else:
        subject = ngettext(
            "%(count)s notification in a short time, in one message",
            "%(count)s notifications in a short time, in one message",
            count,
        ) % {"count": count}
    lines = [subject + ":", ""]
    for each in sorted([delivery, *carried], key=lambda d: d.notification.event.occurred_at):
        lines += _item(each, named)
    return f"[PairAid] {subject}", [
        *lines,
        "",
        _("Your inbox:"),
        settings.PAIRAID_SITE_URL + reverse("conversations:inbox"),
        "",
    ]


def compose(delivery: Delivery, carried: list[Delivery] | None = None) -> EmailMessage:
    notification = delivery.notification
    programmes = sorted(
        {local_name(d.notification.event.programme) for d in [delivery, *(carried or [])]}
    )
    with translation.override(language_of(notification.recipient)):
        subject, lines = _body(delivery, carried or [])
        lines.append(
            _("You receive this because your role in %(programme)s concerns it.")
            % {"programme": ", ".join(programmes)}
        )
        lines.append(
            _("Choose what is mailed to you, and when: %(url)s")
            % {"url": settings.PAIRAID_SITE_URL + reverse("conversations:preferences")}
        )
    return EmailMessage(
        subject=subject,
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.address],
        headers={"Message-ID": delivery.message_id},
    )


def send(delivery: Delivery, carried: list[Delivery]) -> None:
    """Send it, with those it carries, through Django's configured e-mail backend; an error
    (refused, unreachable, timed out) is raised to the outbox."""
    compose(delivery, carried).send(fail_silently=False)
