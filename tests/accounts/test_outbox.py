"""Work enqueued after commit survives a broker outage and is done exactly once."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import mail
from django.db import transaction

from accounts.models import QueuedTask
from accounts.outbox import enqueue, relay_pending, send_queued

ROOT = Path(__file__).resolve().parents[2]
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_redis(port: int, workdir: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("redis-server did not start")


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary")
def test_work_enqueued_while_redis_is_down_is_done_exactly_once_when_it_returns(tmp_path):
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        VAR_DIR=str(tmp_path),
        REDIS_URL=f"redis://127.0.0.1:{port}/0",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
    )

    def manage(*args: str, timeout: int = 120) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    manage("migrate", "--noinput", "-v0", timeout=300)
    redis = _start_redis(port, tmp_path)
    redis.terminate()
    redis.wait(timeout=10)

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

    redis = _start_redis(port, tmp_path)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        # The relay beat runs every minute; run it now, twice.
        manage("shell", "-c", "from accounts.tasks import relay_queued_tasks; relay_queued_tasks()")
        manage("shell", "-c", "from accounts.tasks import relay_queued_tasks; relay_queued_tasks()")
        mail_dir = tmp_path / "mail"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (mail_dir.exists() and any(mail_dir.iterdir())):
            time.sleep(0.5)
        time.sleep(3)  # let a duplicate, if any, arrive
        assert len(list(mail_dir.iterdir())) == 1
        assert "1 1" in manage("shell", "-c", _COUNTS)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        redis.terminate()
        redis.wait(timeout=10)


_COUNTS = (
    "from accounts.models import QueuedTask\n"
    "print(QueuedTask.objects.count(), QueuedTask.objects.filter(sent_at__isnull=False).count())"
)
