"""messages.csv: messages in a pair's thread in a bundle (the demo's illustrative talk between
Shandong and Huanggang). Loaded through the conversations services (history kept, nobody
notified), refused by file, row and column, replaced by a newer version, exported back the same;
a bundle without the table loads as before."""

import csv
import io
import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from pairaid.conversations.models import MESSAGE_MAX_CHARS, Event, Message, Notification, Thread
from pairaid.errors import ValidationFailed
from pairaid.programmes.models import Programme
from pairaid.scenarios import services as scenario_services
from pairaid.scenarios.operations_export import operations_tables

pytestmark = pytest.mark.django_db

HEADER = "number,donor,recipient,sent_at,body\n"


def _demo_copy(tmp_path: Path) -> Path:
    bundle = tmp_path / "hubei-2020-demo"
    shutil.copytree(scenario_services.bundled_path("hubei-2020-demo"), bundle)
    return bundle


def _file_rows(bundle: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((bundle / "messages.csv").read_text())))


def _problems(bundle: Path) -> list[str]:
    with pytest.raises(ValidationFailed) as failure:
        scenario_services.load_bundle(bundle)
    return [str(p) for p in failure.value.problems]


def test_the_demo_talks_in_shandong_and_huanggangs_thread_telling_no_one(hubei):
    scenario_services.load_bundle("hubei-2020-demo")
    thread = Thread.objects.get()
    assert (thread.kind, thread.donor.region.code, thread.recipient.region.code) == (
        "pair",
        "370000",
        "421100",
    )
    messages = list(thread.messages.order_by("pk"))
    assert len(messages) == 4
    assert all(m.illustrative and m.author is None for m in messages)
    assert messages[0].created_at.isoformat() == "2020-02-10T10:20:00+00:00"
    # Through the service: each message has its history row, as a posted one has.
    assert all(m.history.count() == 1 for m in messages)
    # A demo load does not fill inboxes (services.load_message says why).
    assert not Event.objects.exists() and not Notification.objects.exists()


def test_the_messages_export_back_the_same(hubei):
    scenario_services.load_bundle("hubei-2020-demo")
    exported = operations_tables(Programme.objects.get(slug="hubei-2020"), illustrative=True)
    rows = sorted(exported["messages.csv"].values(), key=lambda r: int(r["number"]))
    original = _file_rows(scenario_services.bundled_path("hubei-2020-demo"))
    assert [r["body"] for r in rows] == [r["body"] for r in original]
    # The same moments, in programme time as the file writes them.
    assert [r["sent_at"] for r in rows] == [
        datetime.fromisoformat(r["sent_at"]).isoformat() for r in original
    ]
    assert rows[0]["sent_at"] == "2020-02-10T18:20:00+08:00"
    assert {(r["donor"], r["recipient"]) for r in rows} == {("CN:370000", "CN:421100")}
    # The facts hold no messages.
    facts = operations_tables(Programme.objects.get(slug="hubei-2020"), illustrative=False)
    assert facts["messages.csv"] == {}


def test_a_newer_version_replaces_the_messages(hubei, tmp_path):
    scenario_services.load_bundle("hubei-2020-demo")
    bundle = _demo_copy(tmp_path)
    manifest = json.loads((bundle / "manifest.json").read_text())
    manifest["data_version"] = "2099.1.1"
    (bundle / "manifest.json").write_text(json.dumps(manifest))
    (bundle / "messages.csv").write_text(
        HEADER + "1,370000,421100,2020-02-12T10:00+08:00,only this one now (demo)\n"
    )
    assert scenario_services.load_bundle(bundle, update=True).outcome == "updated"
    assert list(Message.objects.values_list("body", flat=True)) == ["only this one now (demo)"]
    assert Thread.objects.count() == 1


def test_a_bundle_without_messages_loads_as_before(hubei, tmp_path):
    bundle = _demo_copy(tmp_path)
    (bundle / "messages.csv").unlink()
    assert scenario_services.load_bundle(bundle).outcome == "loaded"
    assert not Message.objects.exists() and not Thread.objects.exists()


def test_bad_messages_are_named_by_file_row_and_column_and_nothing_is_written(hubei, tmp_path):
    bundle = _demo_copy(tmp_path)
    (bundle / "messages.csv").write_text(
        HEADER
        + "1,370000,421100,2020-02-10T18:20+08:00,\n"  # row 2: no text
        + f"2,370000,421100,2020-02-10T18:20+08:00,{'x' * (MESSAGE_MAX_CHARS + 1)}\n"  # row 3
        + "3,370000,421100,2020-02-10 18:20,no offset\n"  # row 4
        + "4,370000,420900,2020-02-10T18:20+08:00,not a pair\n"  # row 5
        + "5,421100,370000,2020-02-10T18:20+08:00,sides swapped\n"  # row 6
        + "5,370000,421100,2020-02-10T18:20+08:00,twice\n"  # row 7
    )
    problems = _problems(bundle)
    expected = [
        "messages.csv, row 2, column body: write a message",
        f"messages.csv, row 3, column body: at most {MESSAGE_MAX_CHARS} characters; longer text "
        "goes in a file",
        "messages.csv, row 4, column sent_at: expected a date and time with its offset, e.g. "
        "2020-02-12T09:30+08:00; got '2020-02-10 18:20'",
        "messages.csv, row 5, column recipient: CN:420900 is not paired with CN:370000 in this "
        "programme: a pair's thread needs a pairing (pairings.csv)",
        "messages.csv, row 6, column donor: CN:421100 is not a donor of this programme "
        "(participants.csv)",
        "messages.csv, row 7, column number: duplicate of row 6: 5",
    ]
    for problem in expected:
        assert problem in problems, problems
    assert not Message.objects.exists() and not Thread.objects.exists()
