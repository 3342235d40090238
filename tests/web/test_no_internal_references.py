"""No page cites an internal document (issue 18 item 3: "per DESIGN §4"): a person is told in a
sentence, or sent to the user guide. Templates, translations, the models' help texts and the user
guide are scanned, and the programme's pages and the admin's forms are rendered and read."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps

import pairaid

SOURCE = Path(pairaid.__file__).parent
USER_GUIDE = SOURCE.parents[1] / "docs" / "user-guide.md"
CITATION = re.compile(r"DESIGN|§\s*\d")


def _citations(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if CITATION.search(line)]


def test_no_template_translation_or_guide_cites_an_internal_document() -> None:
    files = [*SOURCE.rglob("templates/**/*.html"), *SOURCE.rglob("locale/**/*.po"), USER_GUIDE]
    assert len(files) > 20
    found = {str(f): _citations(f.read_text(encoding="utf-8")) for f in files}
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_no_help_text_or_model_name_cites_an_internal_document() -> None:
    texts = [
        str(text)
        for model in apps.get_models()
        if model.__module__.startswith("pairaid")
        for text in (
            model._meta.verbose_name,
            model._meta.verbose_name_plural,
            *(getattr(f, "help_text", "") for f in model._meta.get_fields()),
        )
    ]
    assert [text for text in texts if CITATION.search(text)] == []


@pytest.mark.django_db
def test_no_programme_page_cites_an_internal_document(client: Any, people: dict[str, Any]) -> None:
    client.force_login(people["admin"])
    overview = client.get("/p/hubei-2020/").content.decode()
    pages = sorted(set(re.findall(r'href="(/p/hubei-2020/[^"?#]*)"', overview)))
    assert len(pages) > 5, pages
    pages += ["/admin/programmes/programme/add/", "/admin/accounts/user/add/"]
    cited = {}
    for page in pages:
        response = client.get(page)
        if response.status_code == 200 and "html" in response["Content-Type"]:
            lines = _citations(response.content.decode())
            if lines:
                cited[page] = lines
    assert cited == {}
