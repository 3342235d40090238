"""Publishing pairing notices: numbered, dated, bilingual, as page, PDF, CSV (with HXL) and XLSX."""

import io

import pytest

from pairaid.errors import Conflict
from pairaid.pairing import notices, runs
from pairaid.pairing import options as run_options
from pairaid.pairing.models import PairingNotice

pytestmark = pytest.mark.django_db


def test_publishing_the_historical_plan(hubei):
    notice = notices.publish(programme=hubei, user=None)
    assert notice.number == 1 and notice.date.isoformat() == "2020-02-12"
    assert len(notice.entries) == 16
    assert sum(len(e["donors"]) for e in notice.entries) == 21
    huanggang = next(e for e in notice.entries if e["code"] == "421100")
    assert huanggang["name_zh"] == "黄冈市"
    assert {d["name_en"] for d in huanggang["donors"]} == {"Shandong", "Hunan"}
    assert "第1号" in notice.title_zh and "No. 1" in notice.title_en
    assert notices.publish(programme=hubei, user=None).number == 2


def test_files_of_a_notice(hubei):
    notice = notices.publish(programme=hubei, user=None)
    pdf = notices.as_pdf(notice)
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
    text = notices.as_csv(notice).splitlines()
    assert text[0].startswith("notice,date,recipient_code")
    assert text[1].startswith("#meta+notice,#date,#adm2+code")
    assert len(text) == 2 + 21
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(notices.as_xlsx(notice))).active
    assert sheet.max_row == 1 + 21


def _pdf_fonts(reader):
    """Every font the PDF's pages use, with the descriptor that says whether it is embedded."""
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font["/Subtype"] == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            yield font["/BaseFont"], font["/FontDescriptor"].get_object()


def _squeezed(text):
    """Text without whitespace: the PDF wraps lines where the page needs."""
    return "".join(text.split())


def test_the_notice_pdf_embeds_its_font_and_reads_back_in_both_languages(hubei):
    """A referenced font prints with whatever the viewer substitutes (a missing-glyph box, Latin
    letters spaced apart): the one font is embedded, covers every character of the notice, and
    the text extracts as written in Chinese and English, markup characters included."""
    from pypdf import PdfReader
    from reportlab.pdfbase import pdfmetrics

    hubei.name_en = "COVID-19 medical aid to Hubei <outside Wuhan> & more"
    hubei.save()
    notice = notices.publish(programme=hubei, user=None)
    reader = PdfReader(io.BytesIO(notices.as_pdf(notice)))

    fonts = list(_pdf_fonts(reader))
    assert {name.split("+")[-1] for name, _ in fonts} == {"WenQuanYiMicroHei-0"}
    assert all("/FontFile2" in descriptor for _, descriptor in fonts)

    text = "\n".join(page.extract_text() for page in reader.pages)
    expected = [notice.title_zh, notice.title_en, "日期 Date: 2020-02-12 · hubei-2020"]
    expected += [e[name] for e in notice.entries for name in ("name_zh", "name_en")]
    # Resources by their names in both languages, never by code (issue 18 item 3).
    expected += [
        "江苏省 Jiangsu (医务人员 Medical staff (all professions) 347)",
        "恩施土家族苗族自治州",
    ]
    assert "medical_staff" not in text
    assert "COVID-19 medical aid to Hubei <outside Wuhan> & more" in notice.title_en
    assert [s for s in expected if _squeezed(s) not in _squeezed(text)] == []
    covered = pdfmetrics.getFont(notices.NOTICE_FONT).face.charToGlyph
    assert sorted({c for c in _squeezed(text) if ord(c) not in covered}) == []


def test_only_an_approved_run_is_published(hubei, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.start(
            programme=hubei,
            user=None,
            # Publishing is tested, not the solve: max-min alone finishes in seconds.
            options=run_options.RunOptions(
                objectives=[{"name": "max_min_coverage"}], churn_budget=None, time_limit_seconds=2
            ),
            enqueue=lambda pk: runs.execute(pk),
        )
    run.refresh_from_db()
    with pytest.raises(Conflict, match="not approved"):
        notices.publish(programme=hubei, user=None, run=run)
    run = runs.approve(run=run, user=None)
    notice = notices.publish(programme=hubei, user=None, run=run)
    published = {(d["code"], e["code"]) for e in notice.entries for d in e["donors"]}
    assert published == {(p["donor"], p["recipient"]) for p in run.result["pairs"]}


@pytest.mark.parametrize(
    "language, allocation",
    [("en", "Medical staff (all professions) 347"), ("zh-hans", "医务人员 347")],
)
def test_the_notice_page_names_resources_in_the_users_language(
    client, hubei, people, language, allocation
):
    from django.conf import settings

    notice = notices.publish(programme=hubei, user=None)
    client.force_login(people["observer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(f"/p/hubei-2020/notices/{notice.number}/").content.decode()
    assert f"({allocation})" in page
    assert "medical_staff" not in page


def test_notice_pages_and_files(client, hubei, people):
    notice = notices.publish(programme=hubei, user=None)
    client.force_login(people["observer"])
    page = client.get(f"/p/hubei-2020/notices/{notice.number}/").content.decode()
    assert "黄冈市" in page and "Huanggang" in page and 'id="notice-table"' in page
    pdf = client.get(f"/p/hubei-2020/notices/{notice.number}.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(f"/p/hubei-2020/notices/{notice.number}.doc").status_code == 404
    client.force_login(people["outsider"])
    assert client.get(f"/p/hubei-2020/notices/{notice.number}/").status_code == 404


@pytest.mark.parametrize(
    "role, expected",
    [
        ("admin", 302),
        ("coordinator", 302),
        ("donor", 403),
        ("recipient", 403),
        ("observer", 403),
        ("outsider", 404),
    ],
)
def test_who_may_publish(client, people, role, expected):
    client.force_login(people[role])
    response = client.post("/p/hubei-2020/notices/publish")
    assert response.status_code == expected
    assert PairingNotice.objects.count() == (1 if expected == 302 else 0)


def test_publishing_through_the_api(client, people):
    from pairaid.accounts import tokens

    key = tokens.create(owner=people["coordinator"], name="t")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    response = client.post(
        "/api/v1/programmes/hubei-2020/notices", {}, content_type="application/json", **headers
    )
    assert response.status_code == 201 and response.json()["number"] == 1
    listed = client.get("/api/v1/programmes/hubei-2020/notices", **headers).json()
    assert listed["count"] == 1
    donor_key = tokens.create(owner=people["donor"], name="t")[1]
    refused = client.post(
        "/api/v1/programmes/hubei-2020/notices",
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {donor_key}",
    )
    assert refused.status_code == 403 and PairingNotice.objects.count() == 1
