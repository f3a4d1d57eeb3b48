"""Enqueue Celery work so that a broker outage never loses it.

:func:`enqueue` writes a :class:`~accounts.models.QueuedTask` row inside the caller's transaction
and tries to send it right after commit. If the broker cannot be reached the row stays pending, and
:func:`relay_pending` (run every minute by beat, and callable by hand) sends it later. The web
request never waits on a dead broker for more than the short connect timeout.
"""

import datetime
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import QueuedTask

logger = logging.getLogger(__name__)

#: A process that claimed a row and died is taken over after this long.
CLAIM_LEASE = datetime.timedelta(minutes=5)


def enqueue(task_name: str, **kwargs) -> QueuedTask:
    """Record ``task_name(**kwargs)`` and send it once the current transaction commits.

    ``kwargs`` must be JSON values (IDs, dates as ISO strings).
    """
    queued = QueuedTask.objects.create(task_name=task_name, kwargs=kwargs)
    transaction.on_commit(lambda: send_queued(queued.pk))
    return queued


def _claim(pk: int) -> bool:
    now = timezone.now()
    claimable = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE)
    return bool(QueuedTask.objects.filter(claimable, pk=pk, sent_at__isnull=True).update(claimed_at=now))


def send_queued(pk: int) -> bool:
    """Send one pending row to the broker. Returns whether it was sent by this call.

    The row is claimed with a conditional UPDATE first, so two senders never both send it; a
    failure releases the claim for the relay to retry.
    """
    from config.celery import app

    if not _claim(pk):
        return False
    queued = QueuedTask.objects.get(pk=pk)
    if app.conf.task_always_eager:
        # The test suite runs tasks in-process; send_task would bypass eager mode.
        app.loader.import_default_modules()
        app.tasks[queued.task_name].apply(kwargs=queued.kwargs, throw=True)
        QueuedTask.objects.filter(pk=pk).update(sent_at=timezone.now(), attempts=queued.attempts + 1)
        return True
    try:
        app.send_task(queued.task_name, kwargs=queued.kwargs, retry=False)
    except Exception as exc:  # the broker is down or refused: keep the row for the relay
        QueuedTask.objects.filter(pk=pk).update(
            claimed_at=None, attempts=queued.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        logger.warning("broker unavailable, %s kept for later: %s", queued.task_name, exc)
        return False
    QueuedTask.objects.filter(pk=pk).update(sent_at=timezone.now(), attempts=queued.attempts + 1, last_error="")
    return True


def relay_pending(*, limit: int = 500) -> int:
    """Send rows still pending (the broker was down, or a sender died). Returns how many were sent."""
    now = timezone.now()
    pending = (
        QueuedTask.objects.filter(sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in list(pending):
        if send_queued(pk):
            sent += 1
        elif QueuedTask.objects.filter(pk=pk, sent_at__isnull=True, claimed_at__isnull=True).exists():
            break  # the broker is still down: stop for now, the next run carries on
    return sent
