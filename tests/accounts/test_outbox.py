"""Work enqueued after commit survives a broker outage and is done exactly once."""

import shutil
import time

import pytest
from django.core import mail
from django.db import transaction

from accounts.models import QueuedTask
from accounts.outbox import enqueue, relay_pending, send_queued
from tests.processes import embedded_env, free_port, start_redis, start_worker, stop, wait_for_files
from tests.processes import manage as run_manage

EMAIL = {"recipients": ["a@example.jp"], "subject": "件名", "text": "本文", "html": "<p>本文</p>"}


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_before_commit_nor_after_a_rollback():
    def change_that_fails():
        with transaction.atomic():
            enqueue("accounts.tasks.send_email_task", **EMAIL)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not QueuedTask.objects.exists()
    assert mail.outbox == []

    with transaction.atomic():
        queued = enqueue("accounts.tasks.send_email_task", **EMAIL)
        assert mail.outbox == []
    queued.refresh_from_db()
    assert queued.sent_at is not None
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_sent_row_is_never_sent_again(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queued = enqueue("accounts.tasks.send_email_task", **EMAIL)
    assert send_queued(queued.pk) is False
    assert relay_pending() == 0
    assert len(mail.outbox) == 1


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary")
def test_work_enqueued_while_redis_is_down_is_done_exactly_once_when_it_returns(tmp_path):
    port = free_port()
    env = embedded_env(tmp_path, REDIS_URL=f"redis://127.0.0.1:{port}/0")

    def manage(*args: str, timeout: int = 120) -> str:
        return run_manage(env, *args, timeout=timeout)

    manage("migrate", "--noinput", "-v0", timeout=300)
    stop(start_redis(port, tmp_path))

    # Redis is down: the change commits at once and the work waits in the outbox.
    started = time.monotonic()
    manage(
        "shell", "-c",
        "from django.db import transaction\n"
        "from accounts.outbox import enqueue\n"
        "with transaction.atomic():\n"
        f"    enqueue('accounts.tasks.send_email_task', **{EMAIL!r})\n",
    )
    assert time.monotonic() - started < 30
    assert "1 0" in manage("shell", "-c", _COUNTS)  # one row, none sent

    redis = start_redis(port, tmp_path)
    worker = start_worker(env)
    try:
        # The relay beat runs every minute; run it now, twice.
        manage("shell", "-c", "from accounts.tasks import relay_queued_tasks; relay_queued_tasks()")
        manage("shell", "-c", "from accounts.tasks import relay_queued_tasks; relay_queued_tasks()")
        assert wait_for_files(tmp_path / "mail")
        time.sleep(3)  # let a duplicate, if any, arrive
        assert len(list((tmp_path / "mail").iterdir())) == 1
        assert "1 1" in manage("shell", "-c", _COUNTS)
    finally:
        stop(worker)
        stop(redis)


_COUNTS = (
    "from accounts.models import QueuedTask\n"
    "print(QueuedTask.objects.count(), QueuedTask.objects.filter(sent_at__isnull=False).count())"
)
