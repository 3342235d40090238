"""What a person does in PairAid's pages, as small steps the browser tests compose."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

PASSWORD = "a-long-password-1"
PROGRAMME = "hubei-2020"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # a common phone, in CSS pixels

# Console errors the tests let pass, each for a known app issue, named here so none is hidden.
# None at present: every page's console must stay clean.
KNOWN_CONSOLE_ERRORS: list[tuple[str, str]] = []


@dataclass
class Visit:
    """One user's browser tab on the live server, with the errors the browser reported in it."""

    page: Page
    base_url: str
    shots: Path
    problems: list[str] = field(default_factory=list)
    steps: int = 0

    def url(self, path: str) -> str:
        return self.base_url + path

    def open(self, path: str) -> None:
        response = self.page.goto(self.url(path))
        assert response is not None, f"GET {path}: no response"
        assert response.ok, f"GET {path}: {response.status}"

    def step(self, name: str) -> Path:
        """Screenshot the page as it is now, and insist the browser reported no error so far."""
        self.steps += 1
        path = self.shots / f"{self.steps:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        assert not self.problems, f"browser errors up to step {name!r}:\n" + "\n".join(
            self.problems
        )
        return path

    def watch(self) -> None:
        """Record console errors and uncaught exceptions, each with the page it happened on.

        Only KNOWN_CONSOLE_ERRORS pass: a failed static file, a broken script or a refused fetch
        on any page fails the test at its next step.
        """

        def on_console(message: Any) -> None:
            where = (message.location or {}).get("url", "")
            if message.type == "error" and not _known(where, message.text):
                self.problems.append(f"console error on {self.page.url}: {message.text} {where}")

        def on_page_error(error: Any) -> None:
            self.problems.append(f"page error on {self.page.url}: {error}")

        self.page.on("console", on_console)
        self.page.on("pageerror", on_page_error)


def _known(where: str, text: str) -> bool:
    return any(where.endswith(path) and needle in text for path, needle in KNOWN_CONSOLE_ERRORS)


def log_in(visit: Visit, username: str, password: str = PASSWORD) -> None:
    """Log in through the real login form, as a person would."""
    visit.open("/accounts/login/")
    visit.page.fill("input[name=username]", username)
    visit.page.fill("input[name=password]", password)
    with visit.page.expect_navigation():
        visit.page.click("form.card button[type=submit]")
    assert "/accounts/login/" not in visit.page.url, f"the login as {username} was refused"


def expect_chart_drawn(visit: Visit, selector: str) -> None:
    """ECharts drew into the element: it holds a canvas with a non-zero size."""
    canvas = visit.page.locator(f"{selector} canvas").first
    expect(canvas).to_be_attached()
    box = canvas.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0, f"{selector}: {box}"


def open_dashboard(visit: Visit) -> None:
    """The programme overview, with its map (drawn after the boundaries arrive) and chart."""
    visit.open(f"/p/{PROGRAMME}/")
    expect_chart_drawn(visit, "#chart")
    expect_chart_drawn(visit, "#map")


def start_plan_run(visit: Visit, time_limit_seconds: int = 10) -> str:
    """From the plan workspace, start a run; return the run page's path."""
    visit.open(f"/p/{PROGRAMME}/plan/")
    page = visit.page
    # The defaults cannot rewrite the programme: leximin, and the trade-off behind the default
    # churn budget shown before the run.
    expect(page.locator("input[name=objectives][value=leximin]")).to_be_checked()
    expect(page.locator("#tradeoff")).to_be_visible()
    page.fill("input[name=time_limit_seconds]", str(time_limit_seconds))
    visit.step("workspace-filled")
    with page.expect_navigation(timeout=(time_limit_seconds + 30) * 1000):
        page.click("#start-run")
    path = page.url.removeprefix(visit.base_url)
    assert path.startswith(f"/p/{PROGRAMME}/plan/runs/"), path
    return path


def wait_for_comparison(visit: Visit, time_limit_seconds: int = 10) -> None:
    """The run page polls its status (htmx) and reloads itself once the run has finished."""
    comparison = visit.page.locator("#comparison")
    expect(comparison).to_be_visible(timeout=(time_limit_seconds + 30) * 1000)
    expect(comparison.locator("tbody tr").first).to_be_visible()


def approve_run(visit: Visit) -> None:
    """Approve the proposed plan after reading what it changes, and see the decision recorded
    on the run page."""
    with visit.page.expect_navigation():
        visit.page.click("#approve")
    expect(visit.page.locator("#change-summary")).to_be_visible()
    expect(visit.page.locator("#pairs-ending")).to_be_visible()
    visit.step("approval-changes")
    with visit.page.expect_navigation():
        visit.page.click("#confirm")
    expect(visit.page.locator(".tag.approved")).to_have_text("approved")
    expect(visit.page.locator("#approve")).to_have_count(0)


def publish_approved_plan(visit: Visit) -> None:
    """Publish the approved plan as a numbered pairing notice and check it: both languages,
    every recipient listed, and its PDF served."""
    with visit.page.expect_navigation():
        visit.page.click("#publish")
    page = visit.page
    assert f"/p/{PROGRAMME}/notices/" in page.url, page.url
    expect(page.locator("h1")).to_contain_text("对口支援结对安排（第1号）")
    expect(page.locator("h1")).to_contain_text("Pairing notice No. 1")
    expect(page.locator("#notice-table tbody tr")).to_have_count(16)
    expect(page.locator("#notice-table")).to_contain_text("黄冈市")
    pdf = page.request.get(page.url.rstrip("/") + ".pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF"), pdf.status


# The ledger: request → pledge → dispatch → receipt, each a form on the requests page.

REQUESTS = f"/p/{PROGRAMME}/requests/"


def _submit(visit: Visit, form: Any, message: str) -> None:
    """Submit a form, follow the redirect back, and see the page confirm it."""
    with visit.page.expect_navigation():
        form.locator("button").click()
    expect(visit.page.locator("ul.messages li.success")).to_have_text(message)


def raise_request(visit: Visit, resource: str, quantity: int, priority: str, note: str = "") -> str:
    """As a recipient officer, raise a one-line request; return its section's CSS selector."""
    visit.open(REQUESTS)
    page = visit.page
    form = page.locator("#raise-request")
    expect(form).to_be_hidden()  # folded away in its details until asked for
    page.locator("details:has(#raise-request) > summary").click()
    expect(form).to_be_visible()
    form.locator("select[name=resource_type]").select_option(resource)
    form.locator("input[name=quantity]").fill(str(quantity))
    form.locator("select[name=priority]").select_option(priority)
    if note:
        form.locator("input[name=note]").fill(note)
    _submit(visit, form, "Request raised.")
    newest = page.locator("section.card[id^=request-]").first  # newest first
    return "#" + str(newest.get_attribute("id"))


def pledge_against_line(visit: Visit, request: str, quantity: int, note: str = "") -> None:
    """As a donor officer, pledge against the (first) line of a request."""
    visit.open(REQUESTS)
    form = visit.page.locator(f"{request} form.pledge-form").first
    form.locator("input[name=quantity]").fill(str(quantity))
    if note:
        form.locator("input[name=note]").fill(note)
    _submit(visit, form, "Pledge recorded.")


def dispatch_pledge(visit: Visit, request: str, quantity: int, reference: str) -> None:
    """As a donor officer, dispatch goods against the (first) pledge of a request."""
    visit.open(REQUESTS)
    form = visit.page.locator(f"{request} form.dispatch-form").first
    form.locator("input[name=quantity]").fill(str(quantity))
    form.locator("input[name=reference]").fill(reference)
    _submit(visit, form, "Dispatched.")


def confirm_receipt(
    visit: Visit, request: str, received: int, problem: str = "", note: str = ""
) -> None:
    """As a recipient officer, confirm the (first) open shipment of a request, with a problem."""
    visit.open(REQUESTS)
    form = visit.page.locator(f"{request} form.receive-form").first
    form.locator("input[name=received_quantity]").fill(str(received))
    form.locator("select[name=discrepancy]").select_option(problem)
    form.locator("input[name=note]").fill(note)
    _submit(visit, form, "Receipt confirmed.")


def line_progress(visit: Visit, request: str) -> dict[str, str]:
    """The (first) line of a request as the page shows it, column by column."""
    cells = visit.page.locator(f"{request} tr.line").first.locator("td").all_inner_texts()
    columns = ["resource", "priority", "requested", "pledged", "in_transit", "received"]
    return dict(zip([*columns, "discrepancies"], [c.strip() for c in cells], strict=True))
