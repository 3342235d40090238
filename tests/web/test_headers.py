"""Every page and API response carries the Content-Security-Policy (no inline script, no eval)
and the Permissions-Policy (issue 17, item 7). The browser tests run under the same policy and
fail on any violation, which the browser reports as a console error."""

from typing import Any

import pytest

from pairaid.accounts import tokens

pytestmark = pytest.mark.django_db


def _directives(response: Any) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/accounts/login/",
        "/p/hubei-2020/",
        "/p/hubei-2020/requests/",
        "/api/v1/programmes",
        "/api/v1/openapi.json",
        "/healthz",
    ],
)
def test_every_response_carries_both_policies(
    client: Any, people: dict[str, Any], url: str
) -> None:
    client.force_login(people["observer"])
    key = tokens.create(owner=people["observer"], name="t")[1]
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {key}", follow=False)
    directives = _directives(response)
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["object-src"] == ["'none'"]
    assert "camera=()" in response["Permissions-Policy"]


def test_no_template_holds_an_inline_script_or_handler() -> None:
    """An inline script or an on…= attribute would be refused by the browser under the policy."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "src" / "pairaid"
    offending = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if re.search(
            r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=\"", path.read_text(encoding="utf-8")
        )
    ]
    assert offending == []
