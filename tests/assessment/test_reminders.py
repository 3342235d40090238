"""Deadline reminders (issue 22, item 6): a step due within a week, then overdue, records one
event each, which notifies whoever takes the step; the worker's turns send each once."""

import datetime

import pytest

from pairaid.assessment import reminders
from pairaid.conversations import links, texts
from pairaid.conversations.models import Event, Notification

pytestmark = pytest.mark.django_db


def test_a_due_then_overdue_step_reminds_its_side_once_each(people, hubei, review):
    hubei.programme_date = datetime.date(2020, 2, 25)  # the self-assessment is due on 1 March
    hubei.save(update_fields=["programme_date"])
    sent = reminders.send_due([hubei.pk])
    assert sent == review.assessment.reviews.count()  # each donor's self-assessment is due
    assert reminders.send_due([hubei.pk]) == 0  # a second turn sends nothing again
    event = Event.objects.get(kind="assessment_step_due", subject_id=review.pk)
    told = set(
        Notification.objects.filter(event=event).values_list("recipient__username", flat=True)
    )
    assert told == {"dan_shandong"}  # Shandong's officer, not the recipient's or an observer
    assert texts.summary(event, texts.regions([event])) == (
        "Assessment 2020 of Shandong: your step is due on 2020-03-01"
    )
    assert links.of_event(event) == f"/p/hubei-2020/assessments/2020/reviews/{review.pk}/"
    hubei.programme_date = datetime.date(2020, 3, 2)
    hubei.save(update_fields=["programme_date"])
    assert reminders.send_due([hubei.pk]) == sent
    assert Event.objects.filter(kind="assessment_step_overdue", subject_id=review.pk).count() == 1


@pytest.mark.parametrize(
    "today, expected",
    [(datetime.date(2020, 2, 1), None), (datetime.date(2020, 2, 23), "due"),
     (datetime.date(2020, 3, 1), "due"), (datetime.date(2020, 3, 2), "overdue")],
)  # fmt: skip
def test_the_kind_of_reminder_by_the_day(today, expected):
    assert reminders.reminder_kind(datetime.date(2020, 3, 1), today) == expected
