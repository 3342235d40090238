"""Names for people, codes for machines (issue 18, item 3): wherever a person reads or picks a
region, it is named in the user's language; a code may stand beside its name, never alone.

The page-wide scan walks the main pages as the coordinator in both languages (the pages of
tests/browser/test_every_page.py, by the Django test client) and refuses any region code in
the visible text that is not in parentheses beside a name, nor in a cell marked as a code column
beside the name's (`class="code"`)."""

import re
from html.parser import HTMLParser
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation
from tests.browser.test_every_page import PROGRAMME_PAGES

from pairaid.accounts import tokens
from pairaid.engine.messages import message
from pairaid.pairing.engine_messages import render
from pairaid.pairing.models import PlanRun
from pairaid.registry.models import Region

pytestmark = pytest.mark.django_db

SLUG = "hubei-2020"
HIDDEN = {"script", "style", "template", "head"}
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


class _VisibleText(HTMLParser):
    """The text a person reads on a page: its text nodes outside scripts and styles, and the
    attributes a browser shows (titles, placeholders, labels for screen readers); a code
    column's cells (`class="code"`, beside the name's cell) are left out."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden: list[str] = []  # the open elements whose text is not checked

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag in HIDDEN or "code" in classes:
            self.hidden.append(tag)
        self.parts += [value for name, value in attrs if name in READ_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if self.hidden and self.hidden[-1] == tag:
            self.hidden.pop()

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def bare_codes(text: str, codes: set[str]) -> list[str]:
    """The region codes in `text` that stand alone: not in parentheses beside a name, not part
    of a longer number or reference; each with some context to find it by."""
    found = []
    for match in re.finditer(r"(?<![\w/:.,])\d{6}(?![\w/])", text):
        if match.group(0) not in codes:
            continue
        before, after = text[: match.start()].rstrip(), text[match.end() :].lstrip()
        if before.endswith("(") and after.startswith(")") and before[:-1].strip():
            continue
        found.append(text[max(0, match.start() - 40) : match.end() + 40])
    return found


def test_the_scan_finds_a_bare_code_and_allows_one_beside_its_name() -> None:
    codes = {"420900", "430000"}
    found = bare_codes("420900 is worst off; its donors: Hunan (430000)", codes)
    assert len(found) == 1 and found[0].startswith("420900 is worst off")
    assert bare_codes("Xiaogan (420900) · 1,420,900 · /p/420900/", codes) == []
    assert len(bare_codes(visible_text("<p title='420900'>Hunan</p>"), codes)) == 1
    assert bare_codes(visible_text("<script>var a = '420900'</script>"), codes) == []
    row = "<tr><td>Xiaogan</td><td class='code'>420900</td></tr>"
    assert bare_codes(visible_text(row), codes) == []


@pytest.fixture
def demo_run(unapproved_run: PlanRun, people: dict[str, Any]) -> PlanRun:
    """The demo's illustrative layer (teams, facilities, reports) on hubei-2020, and a finished
    run with explanations, as the coordinator sees them."""
    from pairaid.scenarios import services as scenario_services

    scenario_services.load_bundle("hubei-2020-demo")
    return unapproved_run


def test_no_page_shows_a_region_code_without_its_name(
    client: Any, people: dict[str, Any], demo_run: PlanRun
) -> None:
    client.force_login(people["coordinator"])
    codes = set(Region.objects.exclude(code="").values_list("code", flat=True))
    paths = ["/", *(f"/p/{SLUG}/{page}" for page in PROGRAMME_PAGES)]
    run = f"/p/{SLUG}/plan/runs/{demo_run.number}/"
    shandong = demo_run.programme.participants.get(region__code="370000")
    paths += [run, f"{run}approve", f"/p/{SLUG}/participants/{shandong.pk}/"]
    problems = []
    for language in ("en", "zh-hans"):
        for path in paths:
            response = client.get(path, HTTP_ACCEPT_LANGUAGE=language, follow=True)
            assert response.status_code == 200, (language, path)
            found = bare_codes(visible_text(response.content.decode()), codes)
            problems += [f"[{language}] {path}: …{text}…" for text in found]
    assert not problems, "\n".join(problems)


def test_explanations_name_the_participants_in_both_languages() -> None:
    stored = message(
        "worst_off",
        recipient="420900",
        coverage="0.25",
        resource="medical_staff",
        received="1432",
        need="5000",
        donors="430000 (609), 520000 (823)",
    ).to_dict()
    names = {"420900": "Xiaogan", "430000": "Hunan", "520000": "Guizhou"}
    english = render(stored, "en", names=names)
    assert english.startswith("Xiaogan is worst off") and "Hunan (609), Guizhou (823)" in english
    names_zh = {"420900": "孝感市", "430000": "湖南省", "520000": "贵州省"}
    chinese = render(stored, "zh-hans", names=names_zh)
    assert chinese.startswith("孝感市 覆盖率最低") and "湖南省 (609), 贵州省 (823)" in chinese
    assert stored["args"]["recipient"] == "420900"  # the stored message keeps the engine's ids
    moved = message(
        "best_swap",
        recipient="420900",
        change={"kind": "move", "donor": "430000", "source": "420900", "target": "421100"},
        before="0.2",
        after="0.3",
        own_before="0.2",
        own_after="0.4",
    ).to_dict()
    assert "move Hunan from Xiaogan to 421100" in render(moved, "en", names=names)


def test_a_run_names_its_participants_on_its_page_and_in_the_api(
    client: Any, people: dict[str, Any], unapproved_run: PlanRun
) -> None:
    codes = set(Region.objects.exclude(code="").values_list("code", flat=True))
    client.force_login(people["coordinator"])
    page = f"/p/{SLUG}/plan/runs/{unapproved_run.number}/"
    for language in ("en", "zh-hans"):
        html = client.get(page, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        explanations = html.split('class="explanations"', 1)[1].split("</ul>", 1)[0]
        text = visible_text(explanations)
        assert text and not bare_codes(text, codes), text
    key = tokens.create(owner=people["coordinator"], name="t")[1]
    body = client.get(
        f"/api/v1/programmes/{SLUG}/plan-runs/{unapproved_run.number}",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    ).json()
    assert body["log"] and not bare_codes(body["log"], codes), body["log"]
    assert body["result"]["pairs"][0]["donor"] in codes  # the result keeps the engine's ids


def test_lock_and_forbid_are_picked_by_name_and_sent_as_codes(
    client: Any, people: dict[str, Any]
) -> None:
    client.force_login(people["coordinator"])
    with translation.override("en"):
        html = client.get(f"/p/{SLUG}/plan/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<option value="370000:421100">Shandong → Huanggang</option>' in html
    html = client.get(f"/p/{SLUG}/plan/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<option value="370000:421100">山东省 → 黄冈市</option>' in html
    response = client.post(
        f"/p/{SLUG}/plan/",
        {
            "objectives": ["max_min_coverage"],
            "leximin_levels": 1,
            "lock": ["370000:421100"],
            "forbid": ["430000:420900", "370000:420900"],
            "time_limit_seconds": 5,
        },
    )
    assert response.status_code == 302, response.content.decode()
    options = PlanRun.objects.get().options
    assert options["lock"] == [["370000", "421100"]]
    assert options["forbid"] == [["430000", "420900"], ["370000", "420900"]]


def test_the_members_form_picks_a_region_by_name(client: Any, people: dict[str, Any]) -> None:
    client.force_login(people["coordinator"])
    html = client.get(f"/p/{SLUG}/members/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<option value="421100">黄冈市</option>' in html
    assert "Region code" not in html and "地区代码" not in html


def test_the_plan_command_names_the_regions_beside_their_codes(hubei: Any) -> None:
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("plan", SLUG, "--time-limit", "3", "--deterministic", stdout=out)
    text = out.getvalue()
    pairs = text.split("allocation\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert pairs and all(re.search(r"\w \(\d{6}\) +\S.* \(\d{6}\) ", line) for line in pairs)
    explanations = [line for line in text.splitlines() if line.startswith("- ")]
    codes = set(Region.objects.exclude(code="").values_list("code", flat=True))
    assert explanations and not any(bare_codes(line, codes) for line in explanations)


def test_the_scenario_command_names_the_regions_it_changed(hubei: Any, tmp_path: Any) -> None:
    from tests.scenarios.test_load import _bump, _bundle_copy, _edit_staff

    bundle = _bundle_copy(tmp_path)
    _bump(bundle, "2099.1.1")
    _edit_staff(bundle, ",591,", ",600,")  # Shandong's staff
    out = StringIO()
    call_command("scenario", "load", str(bundle), "--update", stdout=out)
    changed = [line for line in out.getvalue().splitlines() if "'591' → '600'" in line]
    assert changed and "Shandong (CN:370000)" in changed[0], out.getvalue()
