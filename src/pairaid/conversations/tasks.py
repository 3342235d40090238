"""Background tasks of the conversations: the outbox's sends, in the task worker
(`pairaid worker`), after the transaction that wrote them commits."""

from django_tasks import task

from pairaid.conversations import outbox


@task()
def send_delivery(delivery_id: int) -> str:
    return outbox.send(delivery_id)
