"""A reminder queued while Redis is down is sent exactly once when it returns.

A private ``redis-server`` on a free port (never the machine's own Redis), the embedded SQLite
database in a temporary directory, the demo employer, and a real Celery worker.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

COUNTS = (
    "from filings.models import Reminder\n"
    "from accounts.models import QueuedTask\n"
    "print('counts', Reminder.objects.count(), Reminder.objects.filter(status='sent').count(),"
    " QueuedTask.objects.filter(task_name='filings.tasks.reminders.send_reminders_batch').count(),"
    " QueuedTask.objects.filter(task_name='filings.tasks.reminders.send_reminders_batch', sent_at__isnull=False).count())"
)
PLANNED = (
    "import datetime\n"
    "from filings.models import VisaApplication\n"
    "print('day', VisaApplication.objects.get().planned_date - datetime.timedelta(days=14))"
)


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
    process.terminate()
    raise RuntimeError("redis-server did not start")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary")
def test_a_reminder_queued_while_redis_is_down_is_sent_exactly_once_when_it_returns(tmp_path):
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

    def counts() -> list[int]:
        line = next(x for x in manage("shell", "-c", COUNTS).splitlines() if x.startswith("counts"))
        return [int(n) for n in line.split()[1:]]

    manage("migrate", "--noinput", "-v0", timeout=300)
    manage("load_municipalities", timeout=300)
    manage("seed_demo")
    day = next(x for x in manage("shell", "-c", PLANNED).splitlines() if x.startswith("day")).split()[1]

    # Redis is not running: the scan commits at once and the email waits in the outbox.
    started = time.monotonic()
    assert manage("send_reminders", "--today", day).strip().splitlines()[-1] == "sent 1 reminders"
    assert time.monotonic() - started < 30
    assert manage("send_reminders", "--today", day).strip().splitlines()[-1] == "sent 0 reminders"
    assert counts() == [1, 0, 1, 0]  # one reminder, not sent; one outbox row, not relayed

    redis = _start_redis(port, tmp_path)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        # The relay beat runs every minute; run it now, twice, and the scan once more.
        manage("shell", "-c", "from accounts.tasks import relay_queued_tasks; relay_queued_tasks()")
        manage("shell", "-c", "from accounts.tasks import relay_queued_tasks; relay_queued_tasks()")
        assert manage("send_reminders", "--today", day).strip().splitlines()[-1] == "sent 0 reminders"
        mail_dir = tmp_path / "mail"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and counts()[1] == 0:
            time.sleep(0.5)
        time.sleep(3)  # let a duplicate, if any, arrive
        files = list(mail_dir.iterdir())
        assert len(files) == 1  # the demo's contact and representative share one address
        text = files[0].read_text()
        assert "employer@demo.example.jp" in text
        assert counts() == [1, 1, 1, 1]
    finally:
        _stop(worker)
        _stop(redis)
