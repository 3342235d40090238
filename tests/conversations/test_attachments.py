"""Files sent with a message: the allow-list by content, not by name; the size limit as the
file streams in; downloads only for those who may read the thread."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from tests.conversations.test_threads import pair_url

from pairaid.conversations.models import Attachment, Message

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64


def send(client, user, *files, body="see the file"):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client.post(pair_url(), {"body": body, "files": list(files)})


def test_allowed_files_are_kept_with_their_sniffed_type_and_downloaded_as_files(client, cast):
    response = send(
        client,
        cast["donor"],
        SimpleUploadedFile("waybill.pdf", PDF, content_type="text/html"),
        SimpleUploadedFile("photo.PNG", PNG),
        SimpleUploadedFile("list.csv", "品名,数量\nN95,500\n".encode()),
    )
    assert response.status_code == 302
    kept = {a.name: a.content_type for a in Attachment.objects.all()}
    assert kept == {
        "waybill.pdf": "application/pdf",
        "photo.PNG": "image/png",
        "list.csv": "text/csv",
    }
    pdf = Attachment.objects.get(name="waybill.pdf")
    client.force_login(cast["recipient"])
    download = client.get(f"/p/hubei-2020/attachments/{pdf.pk}")
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    "name, data, says",
    [
        ("tool.exe", b"MZ\x90\x00", "not accepted"),
        ("page.html", b"<html></html>", "not accepted"),
        ("fake.pdf", b"<html><script>x()</script></html>", "not a .pdf file"),
        ("fake.png", PDF, "not a .png file"),
        ("binary.txt", b"\x00\x01\x02", "not a .txt file"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_a_file_off_the_list_or_not_what_its_name_says_is_refused_with_nothing_kept(
    client, cast, name, data, says
):
    response = send(client, cast["donor"], SimpleUploadedFile(name, data))
    assert response.status_code == 400
    page = response.content.decode()
    assert name in page and says in page
    assert not Message.objects.exists() and not Attachment.objects.exists()


@override_settings(PAIRAID_UPLOAD_MAX_BYTES=1000)
def test_a_file_over_the_limit_is_dropped_as_it_arrives_and_refused_by_name(client, cast):
    response = send(client, cast["donor"], SimpleUploadedFile("big.pdf", PDF + b"0" * 2000))
    assert response.status_code == 400
    assert "big.pdf" in response.content.decode() and "1,000 bytes" in response.content.decode()
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    "role, expected",
    [
        ("coordinator", 200),
        ("donor", 200),
        ("recipient", 200),
        ("observer", 404),
        ("hunan", 404),
        ("outsider", 404),
    ],
)
def test_downloads_check_who_may_read_the_thread(client, cast, role, expected):
    send(client, cast["donor"], SimpleUploadedFile("waybill.pdf", PDF))
    attachment = Attachment.objects.get()
    client.force_login(cast[role])
    assert client.get(f"/p/hubei-2020/attachments/{attachment.pk}").status_code == expected
