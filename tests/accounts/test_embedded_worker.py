"""The embedded default runs a real Celery worker and beat on the filesystem broker, without Redis."""

import subprocess
import time
from pathlib import Path

import pytest
from celery import Celery

from tests.processes import embedded_env, manage, start_worker, stop

BEAT_ENTRY = """
from django_celery_beat.models import IntervalSchedule, PeriodicTask
every = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
PeriodicTask.objects.create(
    name="beat-check", task="accounts.tasks.send_email_task", interval=every, one_off=True,
    kwargs='{"recipients": ["beat@example.jp"], "subject": "beat", "text": "beat", "html": "beat"}',
)
"""


@pytest.fixture
def env(tmp_path):
    env = embedded_env(tmp_path)
    manage(env, "migrate", "--noinput", "-v0", timeout=300)
    return env


def _mail_to(mail_dir: Path, address: str, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if mail_dir.exists() and any(address in f.read_text() for f in mail_dir.iterdir()):
            return True
        time.sleep(0.5)
    return False


def test_the_embedded_worker_runs_queued_tasks_and_beat_schedules_from_the_database(env, tmp_path):
    manage(env, "shell", "-c", BEAT_ENTRY)
    worker = start_worker(
        env, "-B", f"--schedule={tmp_path / 'beat-schedule'}", stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        queue = tmp_path / "celery" / "queue"
        producer = Celery(broker="filesystem://")
        producer.conf.broker_transport_options = {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "control_folder": str(tmp_path / "celery" / "control"),
        }
        producer.send_task(
            "accounts.tasks.send_email_task",
            kwargs={"recipients": ["demo@example.jp"], "subject": "件名", "text": "本文", "html": "<p>本文</p>"},
        )
        # A task queued by another process is run by the worker ...
        assert _mail_to(tmp_path / "mail", "demo@example.jp"), "the worker did not run the queued task"
        # ... and beat, reading its schedule from the database, sends what is due.
        assert _mail_to(tmp_path / "mail", "beat@example.jp"), "beat did not send the scheduled task"
    finally:
        stop(worker)
        output = worker.stdout.read()
    assert "beat: Starting" in output
