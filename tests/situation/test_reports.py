"""The daily situation report: its figures are the dashboard's for the same date and data
version, it is numbered per date with revisions, bilingual as page and PDF with the notices'
embedded font, issued by coordinators only, read by every member, and told to its subscribers."""

import datetime
import io

import pytest

from pairaid.conversations import mail
from pairaid.conversations.models import Delivery, Event, Notification
from pairaid.dashboard import services as dashboard_services
from pairaid.errors import Conflict, NotFound, ValidationFailed
from pairaid.pairing import notices
from pairaid.situation import documents, services
from pairaid.situation.models import SituationReport

pytestmark = pytest.mark.django_db

FEB_12 = datetime.date(2020, 2, 12)


def test_its_figures_are_the_dashboards_for_the_same_date_and_data_version(hubei, known_version):
    report = services.issue(programme=hubei, user=None, on=FEB_12)
    assert report.data_version == known_version
    today = dashboard_services.overview(hubei, on=FEB_12)
    yesterday = dashboard_services.overview(hubei, on=FEB_12 - datetime.timedelta(days=1))
    found = report.figures
    for stored, shown in ((found["coverage"], today), (found["coverage_yesterday"], yesterday)):
        assert (stored["min"], stored["mean"], stored["live_pairs"]) == (
            shown.min_coverage,
            shown.mean_coverage,
            shown.live_pairs,
        )
        assert stored["paired_capacity"] == shown.paired_capacity
    assert found["coverage"]["live_pairs"] == 21 and found["coverage"]["min"] is not None
    worst = today.recipient_rows[: len(found["recipients"])]
    assert [(r["code"], r["coverage"]) for r in found["recipients"]] == [
        (row.id, row.coverage) for row in worst
    ]
    assert [r["coverage_yesterday"] for r in found["recipients"]] == [
        yesterday.by_recipient().get(row.id) for row in worst
    ]
    assert [(g["recipient"], g["resource"], g["gap"]) for g in found["largest_gaps"]] == [
        (g.recipient.region.reference, g.resource.code, float(g.gap)) for g in today.largest_gaps
    ]
    assert found["team_reports"]["received"] == sum(s.reports for s in today.reports)
    assert len(found["team_reports"]["overdue"]) == len(today.overdue)


def test_numbered_per_date_and_a_reissue_is_a_revision_that_keeps_the_earlier(
    client, hubei, people, monkeypatch
):
    first = services.issue(programme=hubei, user=None, on=FEB_12)
    # Numbers are tested here, the figures above: the later issues reuse the first's.
    monkeypatch.setattr("pairaid.situation.figures.compute", lambda programme, on: first.figures)
    again = services.issue(programme=hubei, user=None, on=FEB_12)
    day_before = services.issue(programme=hubei, user=None, on=FEB_12 - datetime.timedelta(days=1))
    assert [(r.number, r.revision) for r in (first, again, day_before)] == [(1, 1), (1, 2), (2, 1)]
    assert SituationReport.objects.count() == 3
    client.force_login(people["observer"])
    latest = client.get("/p/hubei-2020/situation-reports/1/").content.decode()
    assert "revision 2" in latest and 'id="situation-coverage"' in latest
    earlier = client.get("/p/hubei-2020/situation-reports/1/?revision=1")
    assert earlier.status_code == 200 and "revision 1" in earlier.content.decode()
    assert client.get("/p/hubei-2020/situation-reports/1/?revision=3").status_code == 404
    archive = client.get("/p/hubei-2020/situation-reports/").content.decode()
    assert archive.count("situation-reports/1/?revision=") == 4  # two revisions, HTML links twice


@pytest.mark.parametrize(
    "language, heading", [("en", "Largest gaps"), ("zh-hans", "缺口最大的需求")]
)
def test_the_page_is_in_the_readers_language(client, hubei, people, language, heading):
    from django.conf import settings

    services.issue(programme=hubei, user=None, on=FEB_12)
    client.force_login(people["recipient"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/p/hubei-2020/situation-reports/1/").content.decode()
    assert heading in page
    assert ("黄冈市" in page) == (language == "zh-hans")


def test_the_pdf_embeds_the_notices_font_and_reads_back_in_both_languages(hubei):
    from pypdf import PdfReader
    from reportlab.pdfbase import pdfmetrics

    report = services.issue(programme=hubei, user=None, on=FEB_12)
    reader = PdfReader(io.BytesIO(documents.as_pdf(report)))
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font["/Subtype"] == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            assert font["/BaseFont"].split("+")[-1] == "WenQuanYiMicroHei-0"
            assert "/FontFile2" in font["/FontDescriptor"].get_object()
    text = "".join("".join(page.extract_text() for page in reader.pages).split())
    worst = report.figures["recipients"][0]
    for expected in (
        documents.title(report, "zh-hans"),
        documents.title(report, "en"),
        "缺口最大的需求Largestgaps",
        worst["name_zh"],
        worst["name_en"],
    ):
        assert "".join(expected.split()) in text
    covered = pdfmetrics.getFont(notices.NOTICE_FONT).face.charToGlyph
    assert sorted({c for c in text if ord(c) not in covered}) == []


ROLES = ["admin", "coordinator", "donor", "recipient", "observer", "outsider", "anonymous"]


@pytest.mark.parametrize(
    "role, page_issue, reads",
    list(
        zip(
            ROLES,
            [302, 302, 403, 403, 403, 404, 302],
            [200, 200, 200, 200, 200, 404, 302],
            strict=True,
        )
    ),
)
def test_who_issues_and_who_reads_on_the_pages(
    client, hubei, people, role, page_issue, reads, monkeypatch
):
    services.issue(programme=hubei, user=None, on=FEB_12)
    # Who may issue is tested here; the figures are (above): none are computed again.
    monkeypatch.setattr("pairaid.situation.figures.compute", lambda programme, on: {})
    if people[role] is not None:
        client.force_login(people[role])
    response = client.post("/p/hubei-2020/situation-reports/issue", {"date": "2020-02-11"})
    assert response.status_code == page_issue
    assert SituationReport.objects.count() == (2 if page_issue == 302 and people[role] else 1)
    for url in ("/p/hubei-2020/situation-reports/", "/p/hubei-2020/situation-reports/1.pdf"):
        assert client.get(url).status_code == reads


def test_the_subscribers_and_the_coordinators_are_told_in_their_language(hubei, people):
    people["observer"].language = "zh-hans"
    people["observer"].save()
    services.subscribe(programme=hubei, user=people["observer"], subscribed=True)
    services.subscribe(programme=hubei, user=people["donor"], subscribed=True)
    services.subscribe(programme=hubei, user=people["donor"], subscribed=False)
    with pytest.raises(NotFound):
        services.subscribe(programme=hubei, user=people["outsider"], subscribed=True)
    report = services.issue(programme=hubei, user=None, on=FEB_12)
    event = Event.objects.get(kind=Event.Kind.SITUATION_REPORT_ISSUED)
    told = Notification.objects.filter(event=event).values_list("recipient__username", flat=True)
    assert set(told) == {"carol_coordinator", "olga_observer"}
    sent = mail.compose(Delivery.objects.get(notification__recipient=people["observer"]))
    assert f"/p/hubei-2020/situation-reports/{report.number}/?revision=1" in sent.body
    assert "情况报告" in sent.subject


@pytest.mark.parametrize("day", [datetime.date(2019, 12, 31), datetime.date(2020, 2, 13)])
def test_a_day_before_the_programme_or_after_its_date_is_refused(hubei, day):
    with pytest.raises(ValidationFailed, match="from the programme's start"):
        services.issue(programme=hubei, user=None, on=day)


def test_a_report_whose_data_keeps_changing_is_refused(hubei, monkeypatch):
    versions = iter(range(100))
    monkeypatch.setattr("pairaid.freshness.data_version", lambda: f"g.{next(versions)}")
    monkeypatch.setattr("pairaid.situation.figures.compute", lambda programme, on: {})
    with pytest.raises(Conflict, match="kept changing"):
        services.issue(programme=hubei, user=None, on=FEB_12)
    assert not SituationReport.objects.exists()


def test_the_schedule_skips_frozen_programmes_and_issues_a_live_ones_day_once(hubei, wenchuan):
    from pairaid.programmes.models import Programme

    assert hubei.programme_date is not None  # the demo's date is frozen
    Programme.objects.filter(pk=hubei.pk).update(status=Programme.Status.ACTIVE)
    Programme.objects.filter(pk=wenchuan.pk).update(
        status=Programme.Status.ACTIVE, programme_date=None, report_deadline=datetime.time(0, 0)
    )
    [issued] = services.issue_due()
    live = Programme.objects.get(pk=wenchuan.pk)
    assert issued.programme_id == live.pk and issued.date == live.now().date()
    assert services.issue_due() == []
    # Two workers' turns at once: the second finds the day's report under the lock and keeps it.
    assert services.issue(programme=live, user=None, on=issued.date, once=True) == issued
    assert SituationReport.objects.filter(programme=live).count() == 1
    assert not SituationReport.objects.filter(programme=hubei).exists()


def test_the_command_issues_and_says_where_and_refuses_a_day_out_of_range(hubei, monkeypatch):
    from django.core.management import CommandError, call_command

    monkeypatch.setattr("pairaid.situation.figures.compute", lambda programme, on: {})
    out = io.StringIO()
    call_command("situation-report", "hubei-2020", "--date", "2020-02-11", stdout=out)
    assert out.getvalue().strip() == (
        "situation report 1 revision 1 of 2020-02-11 (data version test-generation.42): "
        "/p/hubei-2020/situation-reports/1/?revision=1"
    )
    with pytest.raises(CommandError, match="no programme 'nowhere'"):
        call_command("situation-report", "nowhere")
    with pytest.raises(CommandError, match="from the programme's start"):
        call_command("situation-report", "hubei-2020", "--date", "2021-01-01")
