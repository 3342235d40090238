"""Threads and the inbox in the browser: Huanggang raises a request; Shandong's header count,
on a page left open, rises when htmx next asks (every 12 s, no reload); the inbox links to the
request; the two officers discuss it in their pair's thread."""

import pytest
from playwright.sync_api import expect
from tests.browser.browsing import PROGRAMME, log_in, raise_request

from pairaid.conversations.views import POLL_SECONDS
from pairaid.programmes.models import Participant

pytestmark = pytest.mark.browser


def test_request_count_inbox_thread_and_reply(hubei_ledger_people, open_tab):  # type: ignore[no-untyped-def]
    recipient = open_tab(name="recipient")
    donor = open_tab(name="donor")
    log_in(recipient, "rita_huanggang")
    log_in(donor, "dan_shandong")
    donor.open(f"/p/{PROGRAMME}/requests/")
    count = donor.page.locator("#inbox-count")
    expect(count).not_to_contain_text("unread")
    donor.step("no-news")

    request = raise_request(recipient, "n95_mask", 5000, "urgent")
    # The donor's page is not reloaded: the count comes from htmx's next poll.
    expect(count).to_contain_text("1 unread", timeout=(POLL_SECONDS + 5) * 1000)
    donor.step("count-polled")

    with donor.page.expect_navigation():
        count.click()
    link = donor.page.locator("#inbox a", has_text="raised request")
    expect(link).to_be_visible()
    with donor.page.expect_navigation():
        link.click()
    assert donor.page.url.endswith(f"/requests/{request}"), donor.page.url
    donor.step("at-the-request")

    shandong = Participant.objects.get(programme__slug=PROGRAMME, region__code="370000")
    huanggang = Participant.objects.get(
        programme__slug=PROGRAMME, region__code="421100", role="recipient"
    )
    thread = f"/p/{PROGRAMME}/threads/pair/{shandong.pk}-{huanggang.pk}/"
    donor.open(f"/p/{PROGRAMME}/threads/")
    with donor.page.expect_navigation():
        donor.page.locator(f'#threads a[href="{thread}"]').click()
    donor.page.fill("textarea[name=body]", "5,000 masks leave Jinan tonight, @rita_huanggang.")
    with donor.page.expect_navigation():
        donor.page.click("#post-message button[type=submit]")
    expect(donor.page.locator("#thread-messages")).to_contain_text("leave Jinan tonight")
    donor.step("posted")

    recipient.open(thread)
    recipient.page.fill("textarea[name=body]", "Thank you: Huanggang Central receives them.")
    with recipient.page.expect_navigation():
        recipient.page.click("#post-message button[type=submit]")
    messages = recipient.page.locator("#thread-messages > li")
    expect(messages).to_have_count(2)
    expect(messages.nth(1)).to_contain_text("Huanggang Central receives them")
    recipient.step("replied")
