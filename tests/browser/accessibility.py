"""Accessibility and fit checks the browser tests run on a page: axe-core, and the page width.

axe-core is vendored for the tests only (tests/browser/vendor/axe-core). It is evaluated in the
page through the DevTools protocol, which the site's Content-Security-Policy does not govern, so
the page runs under the same strict policy as in production: an injected <script> tag would be
refused (no inline script) and a bypass would hide real CSP errors.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from tests.browser.browsing import Visit

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
# Issue 18 item 9: serious and critical violations fail; moderate and minor are left to review.
FAILING_IMPACTS = ("serious", "critical")
# The WCAG 2.x A and AA rules, which include colour contrast (AA) and labels on every input.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def open_every_details(visit: Visit) -> None:
    """Open every <details> of the page's content (not the header's menus), so that the forms
    folded in them are seen too: axe-core skips what is hidden."""
    visit.page.evaluate(
        "() => document.querySelectorAll('body > :not(header) details')"
        ".forEach(details => { details.open = true; })"
    )


def axe_violations(visit: Visit) -> list[str]:
    """The serious and critical axe-core violations on the page, one line each: its content with
    every <details> open, then the header with each of its menus open in turn. The menus drop
    over the content, and all open at once they would overlap each other, so each is checked
    alone, and only the header then (what it covers of the content is not a defect); they are
    left open or closed as they were."""
    page = visit.page
    open_every_details(visit)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    found = _axe(visit, "document")
    groups = "document.querySelectorAll('header details.group')"
    were_open = page.evaluate(f"() => [...{groups}].map(group => group.open)")
    for index in range(len(were_open)):
        page.evaluate(f"(index) => {{ {groups}[index].open = true; }}", index)
        found += [v for v in _axe(visit, "header") if v not in found]
    page.evaluate(
        f"(were) => {groups}.forEach((group, index) => {{ group.open = were[index]; }})",
        were_open,
    )
    return found


def _axe(visit: Visit, context: str) -> list[str]:
    """axe-core's serious and critical violations within `context`: "document" or a selector."""
    page = visit.page
    found = page.evaluate(
        """async ([tags, context]) => {
            const result = await axe.run(
                context === 'document' ? document : {include: [context]},
                {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
            }));
        }""",
        [AXE_TAGS, context],
    )
    return [
        f"{page.url}: {v['impact']} {v['id']} ({v['help']}) at {'; '.join(v['targets'])}"
        for v in found
        if v["impact"] in FAILING_IMPACTS
    ]


def overflow(visit: Visit) -> str:
    """'' if the page fits its viewport's width; else the widths and the widest elements."""
    return str(
        visit.page.evaluate(
            """() => {
                const width = window.innerWidth;
                if (document.scrollingElement.scrollWidth <= width) return '';
                const wide = [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > width + 1)
                    .filter(e => ![...e.children].some(
                        c => c.getBoundingClientRect().right > width + 1))
                    .slice(0, 4)
                    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                        + (e.className && typeof e.className === 'string'
                            ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                        + ' ' + Math.round(e.getBoundingClientRect().right) + 'px');
                return `${location.pathname}: ${document.scrollingElement.scrollWidth}px wide`
                    + ` in ${width}px; widest: ${wide.join(', ')}`;
            }"""
        )
    )
