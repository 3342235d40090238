"""Publishing: an approved plan becomes a numbered, dated pairing notice in Chinese and English,
as a print-ready page, a PDF, and the same data as CSV and XLSX."""

import functools
import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.db import transaction
from django.utils.translation import gettext

from pairaid.conversations import services as conversation_services
from pairaid.conversations.models import Event
from pairaid.errors import Conflict
from pairaid.pairing import translate
from pairaid.pairing.models import AllocationLine, PairingNotice, PlanRun
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Programme
from pairaid.registry import queries as registry_queries
from pairaid.registry.models import ResourceType
from pairaid.spreadsheets import csv_text, xlsx_bytes

COLUMNS = [
    ("notice", "#meta+notice"),
    ("date", "#date"),
    ("recipient_code", "#adm2+code+recipient"),
    ("recipient_zh", "#adm2+name+recipient+i_zh"),
    ("recipient_en", "#adm2+name+recipient+i_en"),
    ("donor_code", "#adm1+code+donor"),
    ("donor_zh", "#adm1+name+donor+i_zh"),
    ("donor_en", "#adm1+name+donor+i_en"),
    ("allocation", "#value+allocation"),
]


def _entries(programme: Programme, on: Any) -> list[dict[str, Any]]:
    """Each recipient in force at the date with its donors and their allocation (as-of rule)."""
    pairings = list(translate.live_pairings(programme, on).open())
    lines = AllocationLine.objects.filter(pairing__in=pairings).select_related("resource_type")
    latest: dict[tuple[int, str], AllocationLine] = {}
    for line in lines:
        key = (line.pairing_id, line.resource_type.code)
        if key not in latest or latest[key].date < line.date:
            latest[key] = line
    by_recipient: dict[int, dict[str, Any]] = {}
    for pairing in sorted(
        pairings,
        key=lambda p: (p.recipient.region.code, p.recipient.region.name_en, p.donor.region.code),
    ):
        region = pairing.recipient.region
        entry = by_recipient.setdefault(
            pairing.recipient_id,
            {
                "code": translate.engine_id(pairing.recipient),
                "name_zh": region.name_zh,
                "name_en": region.name_en,
                "donors": [],
            },
        )
        entry["donors"].append(
            {
                "code": translate.engine_id(pairing.donor),
                "name_zh": pairing.donor.region.name_zh,
                "name_en": pairing.donor.region.name_en,
                "allocation": {
                    code: float(line.quantity)
                    for (pairing_id, code), line in sorted(latest.items())
                    if pairing_id == pairing.pk
                },
            }
        )
    return list(by_recipient.values())


@transaction.atomic
def publish(*, programme: Programme, user: Any, run: PlanRun | None = None) -> PairingNotice:
    """Publish the plan in force (after an approval) as the programme's next notice."""
    if run is not None and run.decision != PlanRun.Decision.APPROVED:
        raise Conflict(
            gettext("run %(number)s is not approved; approve it before publishing")
            % {"number": run.number}
        )
    on = programme.current_date()
    entries = _entries(programme, on)
    if not entries:
        raise Conflict(gettext("no pairing is in force to publish"))
    number = programme_services.next_number(programme=programme, numbered=programme.notices.all())
    notice = PairingNotice.objects.create(
        programme=programme,
        number=number,
        date=on,
        plan_run=run,
        title_en=f"Pairing notice No. {number}: {programme.name_en}",
        title_zh=f"对口支援结对安排（第{number}号）：{programme.name_zh or programme.name_en}",
        entries=entries,
        published_by=user if getattr(user, "pk", None) else None,
    )
    conversation_services.record(
        kind=Event.Kind.NOTICE_PUBLISHED,
        programme=programme,
        subject=notice,
        actor=user,
        args={"number": number},
    )
    return notice


def rows(notice: PairingNotice) -> list[dict[str, Any]]:
    out = []
    for entry in notice.entries:
        for donor in entry["donors"]:
            out.append(
                {
                    "notice": notice.number,
                    "date": notice.date.isoformat(),
                    "recipient_code": entry["code"],
                    "recipient_zh": entry["name_zh"],
                    "recipient_en": entry["name_en"],
                    "donor_code": donor["code"],
                    "donor_zh": donor["name_zh"],
                    "donor_en": donor["name_en"],
                    "allocation": "; ".join(f"{k}={v:g}" for k, v in donor["allocation"].items()),
                }
            )
    return out


def as_csv(notice: PairingNotice) -> str:
    """CSV with a header row and an HXL hashtag row, so humanitarian tools can read it."""
    return csv_text(
        [
            [name for name, _ in COLUMNS],
            [tag for _, tag in COLUMNS],
            *([row[name] for name, _ in COLUMNS] for row in rows(notice)),
        ]
    )


def as_xlsx(notice: PairingNotice) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"notice {notice.number}"
    sheet.append([name for name, _ in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(notice):
        sheet.append([row[name] for name, _ in COLUMNS])
    sheet.freeze_panes = "A2"
    return xlsx_bytes(workbook)


# One face for both scripts, embedded in every PDF (fonts/VENDORED.md says where it comes from and
# why): a font that is only referenced prints with whatever the reader's viewer substitutes.
NOTICE_FONT_FILE = Path(__file__).parent / "fonts" / "wqy-microhei.ttc"
NOTICE_FONT = "WenQuanYiMicroHei"


@functools.cache
def notice_font() -> str:
    """Register the vendored font with reportlab once per process (parsing it takes a moment)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(NOTICE_FONT, NOTICE_FONT_FILE, subfontIndex=0))
    return NOTICE_FONT


def _donor_line(donor: dict[str, Any], resources: dict[str, ResourceType]) -> str:
    """'江苏省 Jiangsu (医疗人员 Medical staff 347)': the donor's names and its allocation, if
    any, each resource named in both languages (its code only where the registry lacks it)."""
    names = f"{donor['name_zh']} {donor['name_en']}"
    if not donor["allocation"]:
        return names
    given = ", ".join(
        f"{_both_names(resources.get(code), code)} {quantity:g}"
        for code, quantity in donor["allocation"].items()
    )
    return f"{names} ({given})"


def _both_names(resource: ResourceType | None, code: str) -> str:
    if resource is None:
        return code
    return f"{resource.name_zh} {resource.name_en}" if resource.name_zh else resource.name_en


def pdf_document(buffer: io.BytesIO, title: str) -> Any:
    """An A4 document in the one embedded font (a notice's, a situation report's)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        author="PairAid",
        # Not reportlab's default Helvetica, which would be one more font left unembedded.
        initialFontName=notice_font(),
    )


def table_style() -> Any:
    """A gridded table with a shaded header row, every cell in the embedded font."""
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), notice_font()),  # a cell's own font is Helvetica
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )


def as_pdf(notice: PairingNotice) -> bytes:
    """A print-ready PDF in Chinese and English, its one font embedded. Names and titles are
    escaped: reportlab reads a paragraph's text as markup."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table

    font = notice_font()
    title = ParagraphStyle("title", fontName=font, fontSize=15, leading=20)
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13)
    buffer = io.BytesIO()
    document = pdf_document(buffer, notice.title_en)
    data = [[Paragraph("受援地区 Recipient", body), Paragraph("支援方 Donors", body)]]
    resources = registry_queries.resource_types()
    for entry in notice.entries:
        recipient = f"{escape(entry['name_zh'])}<br/>{escape(entry['name_en'])}"
        donors = "<br/>".join(escape(_donor_line(donor, resources)) for donor in entry["donors"])
        data.append([Paragraph(recipient, body), Paragraph(donors, body)])
    table = Table(data, colWidths=[55 * mm, 119 * mm], repeatRows=1)
    table.setStyle(table_style())
    story = [
        Paragraph(escape(notice.title_zh), title),
        Paragraph(escape(notice.title_en), title),
        Spacer(1, 4 * mm),
        Paragraph(f"日期 Date: {notice.date.isoformat()} · {notice.programme.slug}", body),
        Spacer(1, 5 * mm),
        table,
    ]
    document.build(story)
    return buffer.getvalue()
