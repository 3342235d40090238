"""The hubei-2020 historical plan evaluated at 2020-02-10 (issue 3): need from confirmed cases,
capacity = staff each donor sent (a later figure), Shanxi's split the leximin split."""

import datetime
import json
import re

import pytest
from django.core.management import call_command

from pairaid import engine
from pairaid.engine.report import figure
from pairaid.pairing import translate

pytestmark = pytest.mark.django_db
ON = datetime.date(2020, 2, 10)


def test_the_historical_plan_at_the_pairing_date(hubei):
    build = translate.build_problem(hubei, on=ON)
    assert len(build.later_figures) == 19  # staff are dated 2020-03-16
    assert build.problem.saturation is None  # coverage per confirmed case
    plan = translate.current_plan(hubei, build)
    assert len(plan) == 21
    evaluation = engine.evaluate(build.problem, plan)
    # Shiyan: 130 staff from Guangxi for 505 confirmed cases is the worst covered.
    assert min(evaluation.coverage.values()) == pytest.approx(130 / 505)
    assert min(evaluation.coverage, key=evaluation.coverage.get) == "420300"
    # Shanxi's 469 staff for Xiantao (438 cases), Tianmen (261) and Qianjiang (90): the leximin
    # split equalises their coverage at 469 / 789 (within one person where split in whole people).
    shanxi = {
        a.recipient: a.allocation["medical_staff"]
        for a in evaluation.assignments
        if a.donor == "140000"
    }
    assert sum(shanxi.values()) == pytest.approx(469)
    assert all(staff == int(staff) for staff in shanxi.values())  # whole people, not 260.3574
    for city, cases in (("429004", 438), ("429006", 261), ("429005", 90)):
        assert evaluation.coverage[city] == pytest.approx(469 / 789, abs=1 / cases)
    assert evaluation.split_derived


def test_plan_evaluate_command(hubei, capsys):
    call_command("plan", "hubei-2020", "--as-of", "2020-02-10", "--evaluate", "--format", "json")
    document = json.loads(capsys.readouterr().out)
    assert document["pairs"] == 21 and document["metrics"]["min_coverage"] == pytest.approx(
        130 / 505
    )
    assert len(document["later_figures"]) == 19


def test_plan_evaluate_table_rounds_its_figures(hubei, capsys):
    """The table reads "min_coverage 0.257426", not "0.25742574257425743" (issue 18 item 3)."""
    call_command("plan", "hubei-2020", "--as-of", "2020-02-10", "--evaluate")
    table = capsys.readouterr().out
    figures = re.findall(r"^  (min_coverage|gini|mean_coverage)\s+(\S+)$", table, re.M)
    assert {name for name, _ in figures} == {"min_coverage", "gini", "mean_coverage"}
    assert dict(figures)["min_coverage"] == figure(130 / 505)
    assert all(len(value.replace("0.", "")) <= 4 for _, value in figures), figures
