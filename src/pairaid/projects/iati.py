"""A programme's projects as IATI activity XML, version 2.03 (https://iatistandard.org/en/
iati-standard/203/activity-standard/): one iati-activity per project with its participating
organisations, status, dates, place, DAC sector, budget, the ledger's transactions and its
results. The codes are IATI's codelists': ActivityStatus (the project's own status), Activity
DateType (1 planned start, 2 actual start, 3 planned end, 4 actual end: the hand-over),
OrganisationRole (1 funding, 4 implementing), OrganisationType (10 government), Sector
vocabulary 1 (OECD-DAC 5-digit), BudgetType 1 (original), BudgetStatus 1 (indicative),
TransactionType (2 commitment, 3 disbursement, 4 expenditure), ResultType 1 (output),
IndicatorMeasure 1 (unit). tests/projects/test_iati.py validates the output against the IATI
schemas and these codelists (vendored in tests/data/iati-2.03).

Where IATI asks for what PairAid does not hold, the gap is filled as stated here, never
invented: a commitment has a year, not a day, so it is dated 1 January of its year; a project
without a description is described by its register entry (sector, place, donor, recipient); a
project with no date at all is reported as planned to start on the programme's start (IATI
requires one activity date); the budget is the total over the funding sources, given only when the
project has both planned dates (IATI's budget has a period).
"""

import datetime
from decimal import Decimal
from xml.etree import ElementTree as ET

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from pairaid.figures import plain
from pairaid.programmes.models import Programme
from pairaid.projects import queries as project_queries
from pairaid.projects.models import Project
from pairaid.registry.models import Region

VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
GOVERNMENT = "10"  # OrganisationType: the donor and recipient regions' governments
FUNDING, IMPLEMENTING = "1", "4"  # OrganisationRole
DAC_5_DIGIT = "1"  # SectorVocabulary
ORIGINAL, INDICATIVE = "1", "1"  # BudgetType, BudgetStatus
OUTPUT, UNIT = "1", "1"  # ResultType, IndicatorMeasure
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"  # ActivityDateType


def reporting_org() -> str:
    """The publisher's IATI organisation identifier (settings.PAIRAID_IATI_REPORTING_ORG)."""
    return str(settings.PAIRAID_IATI_REPORTING_ORG)


def identifier(project: Project) -> str:
    """The activity's IATI identifier: the reporting organisation's, the programme, the project."""
    return f"{reporting_org()}-{project.programme.slug}-{project.pk}"


def _narratives(parent: ET.Element, region_or_text: Region | str) -> None:
    if isinstance(region_or_text, Region):
        ET.SubElement(parent, "narrative").text = region_or_text.name_en
        if region_or_text.name_zh:
            ET.SubElement(parent, "narrative", {XML_LANG: "zh"}).text = region_or_text.name_zh
    else:
        ET.SubElement(parent, "narrative").text = region_or_text


def _org(parent: ET.Element, tag: str, region: Region, **attributes: str) -> None:
    _narratives(ET.SubElement(parent, tag, {"type": GOVERNMENT, **attributes}), region)


def _value(parent: ET.Element, amount: Decimal, currency: str, on: datetime.date) -> None:
    ET.SubElement(
        parent, "value", {"currency": currency, "value-date": on.isoformat()}
    ).text = plain(amount)


def _dates(activity: ET.Element, project: Project) -> None:
    dates = [
        (PLANNED_START, project.planned_start),
        (ACTUAL_START, project.actual_start),
        (PLANNED_END, project.planned_end),
        (ACTUAL_END, project.handed_over_on),
    ]
    known = [(kind, day) for kind, day in dates if day is not None]
    for kind, day in known or [(PLANNED_START, project.programme.period_start)]:
        ET.SubElement(activity, "activity-date", {"type": kind, "iso-date": day.isoformat()})


def _budget(activity: ET.Element, project: Project, currency: str) -> None:
    if project.planned_start is None or project.planned_end is None:
        return
    total = sum((line.amount for line in project.budget_lines.all()), Decimal(0))
    budget = ET.SubElement(activity, "budget", {"type": ORIGINAL, "status": INDICATIVE})
    ET.SubElement(budget, "period-start", {"iso-date": project.planned_start.isoformat()})
    ET.SubElement(budget, "period-end", {"iso-date": project.planned_end.isoformat()})
    _value(budget, total, currency, project.planned_start)


def _transactions(activity: ET.Element, project: Project, currency: str) -> None:
    pairing = project.pairing
    for row in project_queries.transactions(project):
        day = row.date or datetime.date(row.year, 1, 1)
        transaction = ET.SubElement(activity, "transaction", {"ref": f"{row.type_code}-{row.row}"})
        ET.SubElement(transaction, "transaction-type", {"code": str(row.type_code)})
        ET.SubElement(transaction, "transaction-date", {"iso-date": day.isoformat()})
        _value(transaction, row.amount, currency, day)
        _org(transaction, "provider-org", pairing.donor.region)
        _org(transaction, "receiver-org", pairing.recipient.region)


def _results(activity: ET.Element, project: Project) -> None:
    start = project.actual_start or project.planned_start
    for indicator in project.results.all():
        result = ET.SubElement(activity, "result", {"type": OUTPUT})
        _narratives(ET.SubElement(result, "title"), indicator.name)
        element = ET.SubElement(result, "indicator", {"measure": UNIT})
        _narratives(ET.SubElement(element, "title"), f"{indicator.name} ({indicator.unit})")
        if start is not None:
            ET.SubElement(
                element,
                "baseline",
                {"year": str(start.year), "iso-date": start.isoformat(),
                 "value": plain(indicator.baseline)},
            )  # fmt: skip
        end = indicator.actual_on or project.planned_end
        if start is None or end is None or end < start:
            continue
        period = ET.SubElement(element, "period")
        ET.SubElement(period, "period-start", {"iso-date": start.isoformat()})
        ET.SubElement(period, "period-end", {"iso-date": end.isoformat()})
        ET.SubElement(period, "target", {"value": plain(indicator.target)})
        if indicator.actual is not None:
            ET.SubElement(period, "actual", {"value": plain(indicator.actual)})


def _description(project: Project) -> str:
    """The project's own description, else what the register says of it (IATI requires one)."""
    if project.description:
        return project.description
    pairing = project.pairing
    return (
        f"Project of sector {project.sector} (OECD-DAC {project.dac_code}) in "
        f"{project.location.name_en}, by {pairing.donor.region.name_en} for "
        f"{pairing.recipient.region.name_en} ({project.programme.name_en})"
    )


def activity(project: Project, updated: datetime.datetime) -> ET.Element:
    """One project as an iati-activity, its elements in the schema's order."""
    currency = project.programme.currency
    pairing = project.pairing
    element = ET.Element(
        "iati-activity",
        {"last-updated-datetime": updated.isoformat(timespec="seconds"), XML_LANG: "en",
         "default-currency": currency},
    )  # fmt: skip
    ET.SubElement(element, "iati-identifier").text = identifier(project)
    reporter = ET.SubElement(element, "reporting-org", {"ref": reporting_org(), "type": GOVERNMENT})
    _narratives(reporter, project.programme.name_en)
    _narratives(ET.SubElement(element, "title"), project.title)
    _narratives(ET.SubElement(element, "description", {"type": "1"}), _description(project))
    _org(element, "participating-org", pairing.donor.region, role=FUNDING)
    _org(element, "participating-org", pairing.donor.region, role=IMPLEMENTING)
    ET.SubElement(element, "activity-status", {"code": str(project.status)})
    _dates(element, project)
    ET.SubElement(element, "recipient-country", {"code": project.location.country})
    location = ET.SubElement(element, "location")
    _narratives(ET.SubElement(location, "name"), project.location)
    ET.SubElement(element, "sector", {"vocabulary": DAC_5_DIGIT, "code": project.dac_code})
    _budget(element, project, currency)
    _transactions(element, project, currency)
    _results(element, project)
    return element


def of_programme(programme: Programme, projects: QuerySet[Project] | None = None) -> bytes:
    """The programme's projects (or those given) as an iati-activities document, UTF-8."""
    now = timezone.now()
    chosen = projects if projects is not None else project_queries.projects(programme)
    generated = now.isoformat(timespec="seconds")
    root = ET.Element("iati-activities", {"version": VERSION, "generated-datetime": generated})
    for project in chosen.prefetch_related("budget_lines", "results"):
        root.append(activity(project, now))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
