"""The admin names models in the user's language and in good English (issue 18 item 3: it listed
"Facilitys", and English model names on Chinese pages)."""

from typing import Any

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "facilities"), [("en", "Facilities"), ("zh-hans", "机构")])
def test_the_admin_index_names_facilities(
    client: Any, people: dict[str, Any], language: str, facilities: str
) -> None:
    client.force_login(people["admin"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get("/admin/").content.decode()
    assert "Facilitys" not in html
    assert f">{facilities}</a>" in html
