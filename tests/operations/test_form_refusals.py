"""Forms that keep your input and speak plainly (issue 18, item 5): a service's refusal comes
back on the form with the input kept and the reason beside the field, in the user's language and
the domain's words, with no internal path (`lines[0].quantity`); where the error page remains,
its Back link returns to the form. Implausible input is refused: a date needed by before the
request, a fraction of a thing counted whole, a note of 10,000 characters. The forms offer, and
default to, the pairs in force."""

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from tests.operations.helpers import call, participant, pk, resource

from pairaid.errors import ValidationFailed
from pairaid.operations.models import DailyReport, Pledge, Request, Team
from pairaid.operations.services import requests as request_services
from pairaid.operations.services import teams as team_services
from pairaid.text_limits import NOTE_MAX_CHARS
from pairaid.validation import fits

pytestmark = pytest.mark.django_db

REQUESTS = "/p/hubei-2020/requests/"
API = "/api/v1/programmes/hubei-2020"
A_NOTE_TOO_LONG = "x" * 10_000

# What each refusal says, per language.
SAID = {
    "en": {
        "more than 0": "must be more than 0",
        "0 or more": "must be 0 or more",
        "whole": "must be a whole number: N95 respirator is counted in whole units",
        "not before": "must not be before the date of the request (2020-02-12)",
        "line 1": "Line 1",
        "back": "Back",
    },
    "zh-hans": {
        "more than 0": "必须大于 0",
        "0 or more": "不能小于 0",
        "whole": "必须是整数：N95口罩按整数计",
        "not before": "不能早于提出请求的日期（2020-02-12）",
        "line 1": "第 1 行",
        "back": "返回",
    },
}
LANGUAGES = list(SAID)


def speaking(client: Any, language: str) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def raise_form(**changes: str) -> dict[str, Any]:
    return {
        "recipient": pk("421100"),
        "resource_type": "n95_mask",
        "quantity": "100",
        "priority": "urgent",
        "note": "for the fever clinics",
        **changes,
    }


def errors_beside(response: Any, name: str) -> list[str]:
    """The errors the page shows beside a field of its form."""
    return [str(error) for error in response.context["form"].errors.get(name, [])]


def page(response: Any) -> str:
    return str(response.content.decode())


@pytest.fixture
def masks_line(hubei: Any) -> Any:
    """An open request of Huanggang for 1,000 N95 masks, raised on the programme date."""
    request = request_services.raise_request(
        recipient=participant("421100"),
        lines=[request_services.LineIn(resource("n95_mask"), Decimal(1000))],
        user=None,
    )
    return request.lines.get()


# A refused request line: what was typed, the field the refusal stands beside, what it says.
REFUSED_LINES = {
    # Was: "lines[0].quantity: must be > 0, got 0" beside the quantity, in English only.
    "nothing asked": ({"quantity": "0"}, "quantity", "more than 0"),
    "1.5 masks": ({"quantity": "1.5"}, "quantity", "whole"),
    "needed before the request": ({"needed_by": "2020-02-01"}, "needed_by", "not before"),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("typed, field, said", REFUSED_LINES.values(), ids=list(REFUSED_LINES))
def test_a_refused_request_comes_back_with_its_input_and_the_reason_beside_the_field(
    client: Any, people: Any, language: str, typed: dict[str, str], field: str, said: str
) -> None:
    speaking(client, language).force_login(people["recipient"])
    response = client.post(REQUESTS, raise_form(**typed))
    assert response.status_code == 400
    assert errors_beside(response, field) == [SAID[language][said]]
    assert 'value="for the fever clinics"' in page(response)  # the input kept
    assert "lines[" not in page(response) and "lines.0" not in page(response)
    assert Request.objects.count() == 0


def test_money_is_not_counted_whole(client: Any, people: Any) -> None:
    client.force_login(people["recipient"])
    response = client.post(REQUESTS, raise_form(resource_type="cny", quantity="1000.50"))
    assert response.status_code == 302
    assert Request.objects.get().lines.get().quantity == Decimal("1000.50")


def test_the_api_refuses_the_same_lines_naming_each_by_its_path(client: Any, keys: Any) -> None:
    lines = [
        {"resource_type": "n95_mask", "quantity": "1.5"},
        {"resource_type": "n95_mask", "quantity": "10", "needed_by": "2020-02-01"},
    ]
    response = call(
        client,
        keys,
        "recipient",
        "post",
        f"{API}/requests",
        {"recipient": "421100", "lines": lines},
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert any("lines.0.quantity" in d and "whole number" in d for d in detail), detail
    assert any("lines.1.needed_by" in d and "before the date" in d for d in detail), detail
    assert Request.objects.count() == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_edited_line_is_refused_beside_its_own_field(
    client: Any, people: Any, masks_line: Any, language: str
) -> None:
    request = masks_line.request
    speaking(client, language).force_login(people["recipient"])
    response = client.post(
        f"/p/hubei-2020/requests/{request.number}/edit",
        {
            "version": request.version,
            "note": "corrected",
            f"line_{masks_line.pk}_quantity": "2.5",
            f"line_{masks_line.pk}_priority": "normal",
            f"line_{masks_line.pk}_needed_by": "",
        },
    )
    assert response.status_code == 400
    assert errors_beside(response, f"line_{masks_line.pk}_quantity") == [SAID[language]["whole"]]
    assert not response.context["form"].non_field_errors()
    masks_line.refresh_from_db()
    assert masks_line.quantity == 1000


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_error_page_says_where_in_words_and_goes_back_to_the_form(
    client: Any, people: Any, masks_line: Any, language: str
) -> None:
    """A pledge is a table row's small form: its refusal is the error page. It names the field by
    its label, not `column quantity`, and its Back link is the page the form was on (was: home)."""
    speaking(client, language).force_login(people["donor"])
    response = client.post(
        f"/p/hubei-2020/requests/lines/{masks_line.pk}/pledge",
        {"donor": pk("370000"), "quantity": "0.5"},
        HTTP_REFERER=f"http://testserver{REQUESTS}",
    )
    assert response.status_code == 400
    text = page(response)
    assert SAID[language]["whole"] in text
    assert "column" not in text and "quantity:" not in text
    back = re.search(r'<a href="([^"]*)">' + SAID[language]["back"] + "</a>", text)
    assert back is not None and back.group(1) == f"http://testserver{REQUESTS}"
    assert Pledge.objects.count() == 0


def test_the_error_page_goes_home_from_another_site(
    client: Any, people: Any, masks_line: Any
) -> None:
    client.force_login(people["donor"])
    response = client.post(
        f"/p/hubei-2020/requests/lines/{masks_line.pk}/pledge",
        {"donor": pk("370000"), "quantity": "0"},
        HTTP_REFERER="https://elsewhere.example/form",
    )
    assert response.status_code == 400
    assert '<a href="/">' in page(response)


def test_a_problem_of_a_line_the_form_does_not_show_says_which_line(hubei: Any) -> None:
    """A service's problem that no field of the form holds goes above the form, said in words:
    "Line 1, quantity", never `lines.0.quantity`."""
    from pairaid.forms import PageForm, show_refusal

    form = PageForm({})
    form.is_valid()
    show_refusal(form, ValidationFailed([request_problem()]))
    assert form.non_field_errors() == ["Line 1, quantity: must be more than 0"]


def request_problem() -> Any:
    from pairaid.errors import Problem

    return Problem("must be more than 0", column="lines.0.quantity")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_negative_count_says_what_is_wrong(client: Any, people: Any, language: str) -> None:
    """Was: Django's "Ensure this value is greater than or equal to 0"; the brief's
    "expected a whole number, got '-100'" for what is a whole number."""
    speaking(client, language).force_login(people["recipient"])
    response = client.post(
        "/p/hubei-2020/facilities/",
        {
            "recipient": pk("421100"),
            "name": "Fangcang 2",
            "kind": "hospital",
            "beds_general": "-100",
        },
    )
    assert response.status_code == 400
    assert errors_beside(response, "beds_general") == [SAID[language]["0 or more"]]
    assert 'value="Fangcang 2"' in page(response)


def test_a_refused_team_registration_keeps_its_input(client: Any, people: Any) -> None:
    """Was: the bare error page, the form and its input gone."""
    client.force_login(people["donor"])
    registration = {"donor": pk("370000"), "name": "Shandong 7", "members": "icu_nurse:1.5"}
    response = client.post("/p/hubei-2020/teams/", registration)
    assert response.status_code == 400
    assert response.context["form"].errors["members"]
    assert 'value="Shandong 7"' in page(response)
    assert 'value="icu_nurse:1.5"' in page(response)


def test_a_refused_deployment_comes_back_on_its_teams_form(client: Any, people: Any) -> None:
    team = team_services.register_team(
        donor=participant("370000"), name="Shandong 1", members={resource("icu_nurse"): 10}
    )
    client.force_login(people["donor"])
    response = client.post(
        f"/p/hubei-2020/teams/{team.pk}/deploy",
        {"recipient": pk("421100"), "start": "2020-02-20", "end": "2020-02-14"},
    )
    assert response.status_code == 400
    assert response.context["refused"].errors["end"]
    assert 'value="2020-02-20"' in page(response)
    assert not team.deployments.exists()


def test_the_api_refuses_a_request_note_of_ten_thousand_characters(client: Any, keys: Any) -> None:
    body = {
        "recipient": "421100",
        "note": A_NOTE_TOO_LONG,
        "lines": [{"resource_type": "n95_mask", "quantity": "10"}],
    }
    response = call(client, keys, "recipient", "post", f"{API}/requests", body)
    assert response.status_code == 400
    assert any("note" in detail for detail in response.json()["detail"])
    assert Request.objects.count() == 0


def test_the_api_refuses_shortages_of_ten_thousand_characters(client: Any, keys: Any) -> None:
    team = team_services.register_team(
        donor=participant("370000"), name="Shandong 1", members={resource("icu_nurse"): 10}
    )
    body = {"team": team.pk, "patients_seen": 1, "shortages": A_NOTE_TOO_LONG}
    response = call(client, keys, "donor", "post", f"{API}/reports", body)
    assert response.status_code == 400
    assert any("shortages" in detail for detail in response.json()["detail"])
    assert DailyReport.objects.count() == 0


def test_the_api_refuses_a_pledge_note_of_ten_thousand_characters(
    client: Any, keys: Any, masks_line: Any
) -> None:
    response = call(
        client,
        keys,
        "donor",
        "post",
        f"{API}/request-lines/{masks_line.pk}/pledges",
        {"donor": "370000", "quantity": "2000", "note": A_NOTE_TOO_LONG},
    )
    assert response.status_code == 400
    assert Pledge.objects.count() == 0


def test_the_model_refuses_a_note_longer_than_its_limit(masks_line: Any) -> None:
    request = masks_line.request
    request.note = "x" * (NOTE_MAX_CHARS + 1)
    with pytest.raises(ValidationFailed, match="note"):
        fits(request)


def test_a_page_form_refuses_a_note_longer_than_its_limit(client: Any, people: Any) -> None:
    client.force_login(people["recipient"])
    response = client.post(REQUESTS, raise_form(note="x" * (NOTE_MAX_CHARS + 1)))
    assert response.status_code == 400 and errors_beside(response, "note")
    assert f'maxlength="{NOTE_MAX_CHARS}"' in page(response)


def selected(html: str, name: str) -> str:
    """The value a select of the page offers by default: the one marked selected, else the
    first."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, name
    options = re.findall(r'<option value="([^"]*)"( selected)?', select.group(1))
    chosen = [value for value, mark in options if mark]
    return chosen[0] if chosen else options[0][0]


@pytest.mark.parametrize("role", ["donor", "coordinator"])
def test_the_funds_form_defaults_to_a_pair_in_force(client: Any, people: Any, role: str) -> None:
    """Was: the first donor and the first recipient by code (Beijing and Wuhan), no pair."""
    from pairaid.pairing.models import Pairing
    from pairaid.programmes.models import Programme

    programme = Programme.objects.get(slug="hubei-2020")
    client.force_login(people[role])
    html = page(client.get("/p/hubei-2020/funds/"))
    donor, recipient = selected(html, "donor"), selected(html, "recipient")
    in_force = Pairing.objects.filter(programme=programme).in_force(programme.current_date())
    assert in_force.filter(donor_id=donor, recipient_id=recipient).exists(), (donor, recipient)


def test_the_funds_form_offers_only_recipients_paired_with_the_officers_donor(
    client: Any, people: Any
) -> None:
    """Aid follows the pairing in hubei-2020: Shandong's officer is offered Huanggang only."""
    client.force_login(people["donor"])
    html = page(client.get("/p/hubei-2020/funds/"))
    select = re.search(r'<select name="recipient"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    assert re.findall(r'<option value="([^"]*)"', select.group(1)) == [str(pk("421100"))]


def test_the_deployment_form_defaults_to_a_city_the_donor_serves(client: Any, people: Any) -> None:
    """Was: Wuhan, the programme's first city, which Shandong does not serve."""
    team_services.register_team(
        donor=participant("370000"), name="Shandong 1", members={resource("icu_nurse"): 10}
    )
    client.force_login(people["donor"])
    html = page(client.get("/p/hubei-2020/teams/"))
    assert selected(html, "recipient") == str(pk("421100"))
    assert Team.objects.count() == 1


def test_a_date_needed_by_on_the_request_date_is_accepted(hubei: Any) -> None:
    on = hubei.current_date()
    request = request_services.raise_request(
        recipient=participant("421100"),
        lines=[request_services.LineIn(resource("n95_mask"), Decimal(10), needed_by=on)],
        user=None,
    )
    assert request.lines.get().needed_by == on == datetime.date(2020, 2, 12)
