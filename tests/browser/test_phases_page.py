"""The phase page on the two Wenchuan phases (the hubei pages of test_every_page have a single
phase): it fits a phone, axe finds no serious or critical violation, in English and in Chinese,
and the step's counts show."""

import pytest
from playwright.sync_api import expect
from tests.browser.accessibility import axe_violations, overflow
from tests.browser.browsing import DESKTOP, PASSWORD, PHONE, Visit, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def wenchuan_phases_coordinator(django_db_serialized_rollback, db):  # type: ignore[no-untyped-def]
    from pairaid.accounts import services as account_services
    from pairaid.accounts.models import User
    from pairaid.programmes.models import Programme
    from pairaid.scenarios import services as scenario_services

    user = User.objects.create_user("wendy_wenchuan", "wendy@example.org", PASSWORD)
    for slug in ("wenchuan-2008-emergency", "wenchuan-2008"):  # the earlier phase first
        scenario_services.load_bundle(slug)
        programme = Programme.objects.get(slug=slug)
        account_services.grant(user=user, programme=programme, role="coordinator")
    return user


def test_the_phase_page_is_readable_and_accessible(tab: Visit, wenchuan_phases_coordinator):
    log_in(tab, "wendy_wenchuan")
    problems = []
    for language, counts in (
        ("en", "11 pairs carried over, 9 changed, 3 ended; 1 new."),
        ("zh-hans", "11 对延续，9 对变更，3 对结束；新增 1 对。"),
    ):
        if language != "en":
            with tab.page.expect_navigation():
                tab.page.locator(f"form.lang button[name=language][value={language}]").click()
        tab.page.set_viewport_size(PHONE)
        tab.open("/p/wenchuan-2008/phases/")
        expect(tab.page.locator("main")).to_contain_text(counts)
        if wide := overflow(tab):
            problems.append(f"[{language}] {wide}")
        tab.page.set_viewport_size(DESKTOP)
        problems += [f"[{language}] {v}" for v in axe_violations(tab)]
        tab.step(f"phases-{language}")
    assert problems == []
