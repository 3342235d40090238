"""Projects in bundles (format 4): projects.csv with each project's state, its budget, results
and expenditures, and the `project` of the ledger's commitments and disbursements. Loaded (a
township as a code-less area of the bundle's regions.csv), refused with file, row and column,
exported back the same; older bundles still load, and a format 3 bundle naming the new tables
is told it needs format 4."""

import json
import shutil
from pathlib import Path

import pytest

from pairaid.errors import ValidationFailed
from pairaid.operations.models import Disbursement, FundCommitment
from pairaid.programmes.models import Programme
from pairaid.projects import queries as project_queries
from pairaid.projects.models import Project
from pairaid.scenarios import services as scenario_services
from pairaid.scenarios.operations_export import operations_tables
from pairaid.scenarios.tables import FORMAT_VERSION

pytestmark = pytest.mark.django_db

TOWNSHIP = "CN:421100/Test township"
TABLES = {
    "regions.csv": (
        "country,code,parent,level,name_zh,name_en,source\n"
        "CN,,421100,area,测试镇,Test township,pairaid-demo-2020\n"
    ),
    "projects.csv": (
        "number,donor,recipient,title,sector,location,status,planned_start,actual_start,"
        "handed_over_on,receiving_body,handover_confirmed_on\n"
        f"1,370000,421100,Middle school,education,{TOWNSHIP},4,2020-03-01,2020-03-02,"
        "2021-09-01,County education bureau,2021-09-05\n"
        "2,370000,421100,Clinic,health,421100,2,,2020-04-01,,,\n"
    ),
    "project_budgets.csv": (
        "project,funding_source,amount\n1,donor_budget,2000000\n1,recipient_share,500000\n"
        "2,pooled,300000\n"
    ),
    "project_results.csv": (
        "project,name,unit,baseline,target,actual,actual_on\n"
        "1,pupils housed,pupils,0,600,580,2021-09-05\n2,beds,beds,0,40,,\n"
    ),
    "project_expenditures.csv": "project,date,amount,description\n1,2020-06-30,800000,works\n",
    "commitments.csv": (
        "donor,recipient,year,amount,description,project\n"
        "370000,421100,2020,3000000,school,1\n370000,421100,2020,1000000,general,\n"
    ),
    "disbursements.csv": (
        "donor,recipient,year,commitment,date,amount,project\n"
        "370000,421100,2020,school,2020-04-01,1200000,1\n"
        "370000,421100,2020,general,2020-04-02,100000,2\n"
    ),
}


def _demo_with(tmp_path: Path, tables: dict[str, str], version: int = 4) -> Path:
    bundle = tmp_path / "hubei-2020-demo"
    shutil.copytree(scenario_services.bundled_path("hubei-2020-demo"), bundle)
    manifest = json.loads((bundle / "manifest.json").read_text())
    manifest["format_version"] = version
    (bundle / "manifest.json").write_text(json.dumps(manifest))
    for name, text in tables.items():
        (bundle / name).write_text(text)
    return bundle


def _problems(bundle: Path) -> list[str]:
    with pytest.raises(ValidationFailed) as failure:
        scenario_services.load_bundle(bundle)
    return [str(p) for p in failure.value.problems]


def test_projects_load_with_their_money_as_the_ledgers_rows(hubei, tmp_path):
    assert scenario_services.load_bundle(_demo_with(tmp_path, TABLES)).outcome == "loaded"
    school, clinic = Project.objects.order_by("pk")
    assert (school.status, school.location.reference, school.illustrative) == (4, TOWNSHIP, True)
    assert school.receiving_body == "County education bureau"
    assert [t.type_code for t in project_queries.transactions(school)] == [2, 3, 4]
    assert FundCommitment.objects.get(project=school).amount == 3_000_000
    # A disbursement on the general commitment went to the clinic: the same row, not a copy.
    assert Disbursement.objects.get(project=clinic).commitment.project is None
    assert Disbursement.objects.count() == 2
    money = project_queries.money(Project.objects.all())
    assert (money[school.pk].budget, money[clinic.pk].disbursed) == (2_500_000, 100_000)


def test_projects_export_back_the_same(hubei, tmp_path):
    """(Export, wipe and load back: test_load's test of every operations table.)"""
    scenario_services.load_bundle(_demo_with(tmp_path, TABLES))
    hubei_programme = Programme.objects.get(slug="hubei-2020")
    first = operations_tables(hubei_programme, illustrative=True)
    assert [r["location"] for r in first["projects.csv"].values()] == [TOWNSHIP, "CN:421100"]
    assert sorted(r["project"] for r in first["disbursements.csv"].values()) == ["1", "2"]
    out = scenario_services.export_programme(
        "hubei-2020", tmp_path / "export", include_illustrative=True
    )
    assert json.loads((out / "manifest.json").read_text())["format_version"] == FORMAT_VERSION
    assert "Test township" in (out / "regions.csv").read_text()
    assert (
        (out / "projects.csv")
        .read_text()
        .splitlines()[1]
        .startswith("1,370000,421100,Middle school,education,421100/Test township,4,")
    )


def test_older_bundles_still_load_and_a_format_3_bundle_is_told_about_4(hubei, tmp_path):
    assert scenario_services.load_bundle("hubei-2020-demo").outcome == "loaded"
    assert not Project.objects.exists()
    problems = _problems(_demo_with(tmp_path, TABLES, version=3))
    assert any("projects.csv" in p and "needs format_version 4" in p for p in problems)


def test_bad_project_rows_are_named_by_file_row_and_column(hubei, tmp_path):
    bad = {
        **TABLES,
        "projects.csv": (
            "number,donor,recipient,title,sector,location,status,handed_over_on,receiving_body\n"
            "1,370000,421100,A,space,421100,1,,\n"  # row 2: no such sector
            "2,370000,420900,B,health,420900,1,,\n"  # row 3: Shandong is not paired with Xiaogan
            "3,370000,421100,C,health,420900,1,,\n"  # row 4: outside Huanggang
            "4,370000,421100,D,health,421100,3,,\n"  # row 5: handed over without date or body
            "5,370000,421100,E,health,421100,1,2020-05-01,bureau\n"  # row 6: not handed over
        ),
        "project_budgets.csv": "project,funding_source,amount\n9,lottery,-1\n",
        "project_results.csv": "project,name,unit,baseline,target,actual,actual_on\n",
        "project_expenditures.csv": "project,date,amount\n1,2020-05-01,10\n",
        "commitments.csv": "donor,recipient,year,amount,project\n370000,421100,2020,10,3\n",
        "disbursements.csv": "donor,recipient,year,date,amount\n",
    }
    problems = _problems(_demo_with(tmp_path, bad))
    expected = [
        "projects.csv, row 2, column sector",
        "projects.csv, row 3, column recipient",
        "projects.csv, row 4, column location",
        "projects.csv, row 5, column handed_over_on",
        "projects.csv, row 5, column receiving_body",
        "projects.csv, row 6, column handed_over_on",
        "project_budgets.csv, row 2, column project",
        "project_budgets.csv, row 2, column funding_source",
        "project_budgets.csv, row 2, column amount",
        "project_expenditures.csv, row 2, column project",  # project 1 is in the pipeline
    ]
    for where in expected:
        assert any(p.startswith(where) for p in problems), (where, problems)
    assert not Project.objects.exists()
