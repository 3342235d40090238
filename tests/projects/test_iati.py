"""The IATI activity XML of a programme's projects (issue 22, item 7) is valid against the
IATI 2.03 activity schema and its codes are in the IATI codelists, both vendored in
tests/data/iati-2.03 (pyIATI 0.4.1, MIT; see SOURCE.md there): never fetched at run time."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from pairaid.operations.models import FundCommitment
from pairaid.projects import iati
from pairaid.projects import services as project_services

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent.parent / "data" / "iati-2.03"
# Each coded attribute the export writes, and the codelist its value must be in.
CODED = {
    "//activity-status/@code": "ActivityStatus",
    "//activity-date/@type": "ActivityDateType",
    "//participating-org/@role": "OrganisationRole",
    "//participating-org/@type": "OrganisationType",
    "//reporting-org/@type": "OrganisationType",
    "//recipient-country/@code": "Country",
    "//sector/@vocabulary": "SectorVocabulary",
    "//sector[@vocabulary='1']/@code": "Sector",
    "//budget/@type": "BudgetType",
    "//budget/@status": "BudgetStatus",
    "//@currency": "Currency",
    "//@default-currency": "Currency",
    "//transaction-type/@code": "TransactionType",
    "//result/@type": "ResultType",
    "//indicator/@measure": "IndicatorMeasure",
    "//@xml:lang": "Language",
}


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(DATA / "schemas" / "iati-activities-schema.xsd")))


def codes(name: str) -> set[str]:
    return set(
        etree.parse(str(DATA / "codelists" / f"{name}.xml")).xpath("//codelist-item/code/text()")
    )


@pytest.fixture
def busy_project(people, project):  # type: ignore[no-untyped-def]
    """The school started, with a result confirmed, money committed and spent, handed over."""
    donor, recipient = people["donor"], people["recipient"]
    indicator = project_services.add_result(
        user=donor, project=project, name="pupils housed", unit="pupils",
        baseline=Decimal(0), target=Decimal(600),
    )  # fmt: skip
    project_services.move(user=donor, project=project, name="start", on=datetime.date(2020, 3, 2))
    pairing = project.pairing
    commitment = FundCommitment.objects.create(
        programme=project.programme, donor=pairing.donor, recipient=pairing.recipient,
        year=2020, amount=Decimal(1_500_000),
    )  # fmt: skip
    project_services.link_commitment(user=donor, project=project, commitment=commitment)
    project_services.record_expenditure(
        user=donor, project=project, amount=Decimal(400_000), on=datetime.date(2020, 6, 1)
    )
    project_services.record_actual(
        user=recipient, indicator=indicator, actual=Decimal(580), on=datetime.date(2021, 8, 1)
    )
    project_services.move(
        user=donor, project=project, name="hand_over", receiving_body="county education bureau",
        on=datetime.date(2021, 8, 20),
    )  # fmt: skip
    return project


def test_the_projects_export_as_valid_iati_xml_with_codes_from_the_codelists(
    schema, busy_project, hubei
):
    document = etree.fromstring(iati.of_programme(hubei))
    schema.assertValid(document)
    for path, codelist in CODED.items():
        found = set(
            document.xpath(path, namespaces={"xml": "http://www.w3.org/XML/1998/namespace"})
        )
        assert found, path  # the export writes each of them
        assert found <= codes(codelist), (path, found - codes(codelist))
    (activity,) = document.xpath("//iati-activity")
    assert activity.findtext("iati-identifier") == f"XI-PAIRAID-hubei-2020-{busy_project.pk}"
    assert activity.find("activity-status").get("code") == "3"  # handed over: finalisation
    assert activity.find("sector").get("code") == "11120"
    assert activity.find("budget/value").text == "2500000"  # the donor's and the recipient's
    assert [
        (t.find("transaction-type").get("code"), t.find("value").text)
        for t in activity.findall("transaction")
    ] == [("2", "1500000"), ("4", "400000")]
    period = activity.find("result/indicator/period")
    assert (period.find("target").get("value"), period.find("actual").get("value")) == (
        "600",
        "580",
    )


def test_the_download_link_on_the_projects_page_serves_the_xml(client, people, project):
    client.force_login(people["observer"])
    page = client.get("/p/hubei-2020/projects/")
    assert b"/p/hubei-2020/projects/iati.xml" in page.content
    response = client.get("/p/hubei-2020/projects/iati.xml")
    assert response["Content-Type"] == "application/xml"
    assert b"<iati-identifier>" in response.content
