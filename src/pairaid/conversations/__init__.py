"""Threads, messages and the inbox (issue 21, milestone 1).

One app, not two: a thread's audience and an event's recipients are the same question ("whose
role and region does this concern?"), answered by `audiences` from the permissions of
`pairaid.accounts.permissions`; a message in a thread is itself an event. Keeping threads and
notifications together keeps that answer in one module.

- `models`: Thread, Message (edits kept by django-simple-history), Attachment, ThreadRead;
  Event (the record first) and Notification (one recipient's in-app copy of it). A later
  channel (e-mail, SMS) adds a delivery row per notification; the events do not change.
- `audiences`: who may read and post in a thread, who an event reaches (one function per kind).
- `services`: the only writers; `events.record` is called by the domain services inside their
  own transaction.
- `queries`: reads (threads visible to a user, unread counts, search, the inbox).
"""
