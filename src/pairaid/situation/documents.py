"""A situation report as people read it: its title, the engine's explanation worded in a
language, and the print-ready PDF in Chinese and English with the notices' embedded font
(`pairing.notices`: a font only referenced prints with whatever the viewer substitutes)."""

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils import translation

from pairaid.dashboard.templatetags import pairaid_format
from pairaid.labels import engine_label
from pairaid.pairing import engine_messages, notices, translate
from pairaid.situation.models import SituationReport


def title(report: SituationReport, language: str) -> str:
    programme = report.programme
    if language.startswith("zh"):
        name = programme.name_zh or programme.name_en
        return f"每日情况报告（第{report.number}号）：{name}"
    return f"Daily situation report No. {report.number}: {programme.name_en}"


def binding_lines(report: SituationReport, language: str) -> list[str]:
    """What binds in the last approved plan, as the engine explained it, in `language`, the
    participants named in it."""
    plan = report.figures.get("plan")
    if not plan or not plan["explanations"]:
        return []
    with translation.override(language):
        names = translate.participant_names(report.programme)
        return [engine_messages.render(m, language, names) for m in plan["explanations"]]


def percent(value: float | None) -> str:
    """A share as the dashboard shows it."""
    return pairaid_format.percent(value)


def change(today: float | None, yesterday: float | None) -> str:
    """The change since yesterday in percentage points ("+3.0 pp"); "–" where either is missing."""
    if today is None or yesterday is None:
        return "–"
    return f"{(today - yesterday) * 100:+.1f} pp"


def _both(row: dict[str, Any]) -> str:
    return (
        f"{row['name_zh']} {row['name_en']}" if row["name_zh"] != row["name_en"] else row["name_en"]
    )


def _sections(report: SituationReport) -> list[tuple[str, list[list[str]]]]:
    """The report's tables, each headed in both languages: (heading, rows with a header row)."""
    found = report.figures
    today, yesterday = found["coverage"], found["coverage_yesterday"]
    coverage_rows = [
        ["", "今日 Today", "昨日 Yesterday", "变化 Change"],
        ["最低覆盖率 Lowest coverage", percent(today["min"]), percent(yesterday["min"]),
         change(today["min"], yesterday["min"])],
        ["平均覆盖率 Mean coverage", percent(today["mean"]), percent(yesterday["mean"]),
         change(today["mean"], yesterday["mean"])],
        ["现行结对 Pairs in force", str(today["live_pairs"]), str(yesterday["live_pairs"]), ""],
    ]  # fmt: skip
    recipients = [["受援方 Recipient", "覆盖率 Coverage", "变化 Change"]] + [
        [_both(r), percent(r["coverage"]), change(r["coverage"], r["coverage_yesterday"])]
        for r in found["recipients"]
    ]
    gaps = [["受援方 Recipient", "资源 Resource", "需求 Need", "缺口 Gap"]] + [
        [_both(g), f"{g['resource_zh']} {g['resource_en']}", f"{g['need']:g}", f"{g['gap']:g}"]
        for g in found["largest_gaps"]
    ]
    requests = [["", "编号 Numbers"]] + [
        [label, ", ".join(f"{r['number']} ({_both(r)})" for r in found["requests"][key]) or "–"]
        for key, label in (("opened", "新开 Opened"), ("fulfilled", "已满足 Fulfilled"))
    ]
    teams = [["", "医疗队 Teams"]] + [
        [label, ", ".join(f"{t['team']} ({_both(t)})" for t in found["teams"][key]) or "–"]
        for key, label in (("arrived", "抵达 Arrived"), ("rotated", "轮换 Rotated"))
    ]
    team_reports, facility_reports = found["team_reports"], found["facility_reports"]
    reports = [
        ["", "已收到 Received", "逾期 Overdue"],
        ["医疗队日报 Team reports", str(team_reports["received"]),
         ", ".join(f"{t['team']} ({_both(t)})" for t in team_reports["overdue"]) or "–"],
        ["机构床位报告 Facility reports", str(facility_reports["received"]),
         ", ".join(f"{f['facility']} ({_both(f)})" for f in facility_reports["overdue"]) or "–"],
    ]  # fmt: skip
    return [
        ("覆盖率 Coverage", coverage_rows),
        ("覆盖最差的受援方 Worst covered recipients", recipients),
        ("缺口最大的需求 Largest gaps", gaps),
        ("需求 Requests", requests),
        ("医疗队 Teams", teams),
        ("报告 Reports", reports),
    ]


def _level_line(level: dict[str, Any]) -> str:
    """One level the engine reached: its objective, the value found and the best bound."""
    names = " / ".join(_in_both(lambda: engine_label(level["name"])))
    return f"{names}: 值 value {level['value']}, 界 bound {level['bound']}"


def _in_both(word: Any) -> list[str]:
    """A label in Chinese and English (once where they are the same)."""
    found = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            found.append(str(word()))
    return list(dict.fromkeys(found))


def as_pdf(report: SituationReport) -> bytes:
    """The report, print-ready, in Chinese and English, its one font embedded. Every text is
    escaped: reportlab reads a paragraph's text as markup."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table

    font = notices.notice_font()
    heading = ParagraphStyle("heading", fontName=font, fontSize=15, leading=20)
    section = ParagraphStyle("section", fontName=font, fontSize=11.5, leading=16, spaceBefore=8)
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12)
    buffer = io.BytesIO()
    document = notices.pdf_document(buffer, title(report, "en"))
    story: list[Any] = [
        Paragraph(escape(title(report, "zh-hans")), heading),
        Paragraph(escape(title(report, "en")), heading),
        Spacer(1, 3 * mm),
        Paragraph(
            escape(
                f"日期 Date: {report.date.isoformat()} · 版次 Revision {report.revision} · "
                f"数据版本 Data version {report.data_version} · {report.programme.slug}"
            ),
            body,
        ),
    ]
    for name, rows in _sections(report):
        table = Table([[Paragraph(escape(cell), body) for cell in row] for row in rows])
        table.setStyle(notices.table_style())
        story += [Paragraph(escape(name), section), table]
    plan = report.figures.get("plan")
    story.append(Paragraph("约束所在 What binds", section))
    if plan is None:
        story.append(Paragraph("尚无批准的方案 No plan approved yet", body))
    else:
        story.append(Paragraph(escape(f"方案计算 Plan run {plan['run']}"), body))
        for level in plan["levels"]:
            story.append(Paragraph(escape(_level_line(level)), body))
        for line in binding_lines(report, "zh-hans") + binding_lines(report, "en"):
            story.append(Paragraph(escape(line), body))
    document.build(story)
    return buffer.getvalue()
