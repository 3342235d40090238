"""The daily report form labels its figures in the user's words and language; the inputs keep
the field names machines read (issue 18 item 3: the form showed `patients_seen`)."""

import re
from typing import Any

import pytest
from django.conf import settings

from pairaid.operations.models import DailyReport
from pairaid.operations.services import teams as team_services
from pairaid.programmes.models import Participant
from pairaid.registry.models import ResourceType

pytestmark = pytest.mark.django_db


def _form_labels(client: Any, people: dict[str, Any], language: str) -> dict[str, str]:
    shandong = Participant.objects.get(programme__slug="hubei-2020", region__code="370000")
    nurse = ResourceType.objects.get(code="icu_nurse")
    team_services.register_team(donor=shandong, name="Shandong 1", members={nurse: 10})
    client.force_login(people["donor"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get("/p/hubei-2020/reports/").content.decode()
    found = re.findall(r'<label>([^<]*) <input type="number" name="(\w+)"', html)
    return {name: label.strip() for label, name in found}


@pytest.mark.parametrize(
    ("language", "patients_seen"), [("en", "Patients seen"), ("zh-hans", "接诊人数")]
)
def test_each_figure_has_a_label_in_the_language(
    client: Any, people: dict[str, Any], language: str, patients_seen: str
) -> None:
    labels = _form_labels(client, people, language)
    assert list(labels) == list(DailyReport.FIGURES)  # the inputs keep the machine names
    assert labels["patients_seen"] == patients_seen
    for name, label in labels.items():
        assert label != name and "_" not in label, f"raw field name as a label: {label}"
