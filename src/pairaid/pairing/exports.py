"""A plan run as a workbook: the pairs with their split, the levels, the metrics and notes."""

from typing import Any

from pairaid.pairing.models import PlanRun
from pairaid.spreadsheets import xlsx_bytes


def run_xlsx(run: PlanRun) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    pairs = workbook.active
    pairs.title = "pairs"
    result: dict[str, Any] = run.result or {}
    names = {d["id"]: d.get("name", "") for d in run.problem.get("donors", [])}
    names |= {r["id"]: r.get("name", "") for r in run.problem.get("recipients", [])}
    resources = sorted({code for p in result.get("pairs", []) for code in p["allocation"]})
    pairs.append(["donor", "donor name", "recipient", "recipient name", *resources])
    for pair in result.get("pairs", []):
        pairs.append(
            [
                pair["donor"],
                names.get(pair["donor"], ""),
                pair["recipient"],
                names.get(pair["recipient"], ""),
                *[pair["allocation"].get(code) for code in resources],
            ]
        )
    levels = workbook.create_sheet("levels")
    levels.append(["level", "value", "bound", "gap", "status"])
    for level in result.get("levels", []):
        levels.append(
            [level["name"], level["value"], level["bound"], level["gap"], level["status"]]
        )
    metrics = workbook.create_sheet("metrics")
    metrics.append(["metric", "value"])
    for key, value in result.get("metrics", {}).items():
        if isinstance(value, int | float) or value is None:
            metrics.append([key, value])
    about = workbook.create_sheet("run")
    about.append(["programme", run.programme.slug])
    about.append(["run", run.number])
    about.append(["as of", run.as_of.isoformat()])
    about.append(["status", run.status])
    about.append(["decision", run.decision])
    for heading in ("excluded", "later_figures", "assumptions"):
        for note in run.build_notes.get(heading, []):
            about.append([heading.replace("_", " "), note])
    for sheet in workbook.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    return xlsx_bytes(workbook)
