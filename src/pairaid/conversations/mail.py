"""A notification as an e-mail: in its recipient's language, with a link straight to its object
(an absolute address from PAIRAID_SITE_URL), sent with the delivery's own Message-ID."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from pairaid.conversations import links, texts
from pairaid.conversations.models import Delivery
from pairaid.labels import local_name


def language_of(user: object) -> str:
    """The language the user chose last (accounts.language), else the site's."""
    chosen = getattr(user, "language", "") or ""
    supported = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in supported else settings.LANGUAGE_CODE


def compose(delivery: Delivery) -> EmailMessage:
    notification = delivery.notification
    event = notification.event
    with translation.override(language_of(notification.recipient)):
        summary = texts.summary(event, texts.regions([event]))
        page = links.of_event(event)
        lines = [summary, ""]
        if page:
            lines += [_("Open it in PairAid:"), settings.PAIRAID_SITE_URL + page, ""]
        lines.append(
            _("You receive this because your role in %(programme)s concerns it.")
            % {"programme": local_name(event.programme)}
        )
        subject = f"[PairAid] {summary}"
    return EmailMessage(
        subject=subject,
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.address],
        headers={"Message-ID": delivery.message_id},
    )


def send(delivery: Delivery) -> None:
    """Send it through Django's configured e-mail backend; an error (refused, unreachable,
    timed out) is raised to the outbox."""
    compose(delivery).send(fail_silently=False)
