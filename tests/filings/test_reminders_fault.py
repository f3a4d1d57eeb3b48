"""A reminder queued while Redis is down is sent exactly once when it returns.

A private ``redis-server`` on a free port (never the machine's own Redis), the embedded SQLite
database in a temporary directory, the demo employer, and a real Celery worker.
"""

import shutil
import time

import pytest

from tests.processes import embedded_env, free_port, start_redis, start_worker, stop
from tests.processes import manage as run_manage

COUNTS = (
    "from filings.models import Reminder\n"
    "from accounts.models import QueuedTask\n"
    "print('counts', Reminder.objects.count(), Reminder.objects.filter(status='sent').count(),"
    " QueuedTask.objects.filter(task_name='filings.tasks.reminders.send_reminders_batch').count(),"
    " QueuedTask.objects.filter(task_name='filings.tasks.reminders.send_reminders_batch',"
    " sent_at__isnull=False).count())"
)
PLANNED = (
    "import datetime\n"
    "from filings.models import VisaApplication\n"
    "print('day', VisaApplication.objects.get().planned_date - datetime.timedelta(days=14))"
)


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary")
def test_a_reminder_queued_while_redis_is_down_is_sent_exactly_once_when_it_returns(tmp_path):
    port = free_port()
    env = embedded_env(tmp_path, REDIS_URL=f"redis://127.0.0.1:{port}/0")

    def manage(*args: str, timeout: int = 120) -> str:
        return run_manage(env, *args, timeout=timeout)

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

    redis = start_redis(port, tmp_path)
    worker = start_worker(env)
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
        stop(worker)
        stop(redis)
