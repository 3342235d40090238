"""The gaps page's contribution rule on wenchuan-2008 (a table the hubei pages of
test_every_page do not have): it fits a phone, axe finds no serious or critical violation, in
English and in Chinese, and the verdicts and their reasons show."""

import pytest
from playwright.sync_api import expect
from tests.browser.accessibility import axe_violations, overflow
from tests.browser.browsing import DESKTOP, PASSWORD, PHONE, Visit, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def wenchuan_coordinator(django_db_serialized_rollback, wenchuan):  # type: ignore[no-untyped-def]
    from pairaid.accounts import services as account_services
    from pairaid.accounts.models import User

    user = User.objects.create_user("wendy_wenchuan", "wendy@example.org", PASSWORD)
    account_services.grant(user=user, programme=wenchuan, role="coordinator")
    return user


def test_the_contribution_rule_is_readable_and_accessible(tab: Visit, wenchuan_coordinator):
    log_in(tab, "wendy_wenchuan")
    problems = []
    for language, total_met in (("en", "total met"), ("zh-hans", "合计达标")):
        if language != "en":
            with tab.page.expect_navigation():
                tab.page.locator(f"form.lang button[name=language][value={language}]").click()
        tab.page.set_viewport_size(PHONE)
        tab.open("/p/wenchuan-2008/gaps/?year=2009")
        expect(tab.page.locator("#contributions")).to_contain_text(total_met)
        if wide := overflow(tab):
            problems.append(f"[{language}] {wide}")
        tab.page.set_viewport_size(DESKTOP)
        problems += [f"[{language}] {v}" for v in axe_violations(tab)]
        tab.step(f"contributions-{language}")
    assert problems == []
