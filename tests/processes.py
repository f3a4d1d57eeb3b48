"""Helpers for tests that run the portal's real processes: manage.py, a Celery worker, a private Redis.

These tests run the embedded settings (``config.settings.local``) in a temporary folder, so their
database, broker folders and mail files never touch the suite's own.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Variables of the test process that must not reach the processes a test starts.
_NOT_INHERITED = {
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def embedded_env(folder: Path, **extra: str) -> dict[str, str]:
    """The environment of ``make run``, with everything it writes under ``folder`` and mail as files."""
    env = {key: value for key, value in os.environ.items() if key not in _NOT_INHERITED}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        VAR_DIR=str(folder),
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        **extra,
    )
    return env


def manage(env: dict[str, str], *args: str, timeout: int = 120) -> str:
    """Run ``manage.py`` with ``args``; fails the test with its output if it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def start_worker(env: dict[str, str], *extra_args: str, **popen: object) -> subprocess.Popen:
    """A real Celery worker (solo pool) on the broker ``env`` names."""
    popen.setdefault("stdout", subprocess.DEVNULL)
    popen.setdefault("stderr", subprocess.DEVNULL)
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO", *extra_args],
        cwd=ROOT,
        env=env,
        **popen,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(port: int, folder: Path) -> subprocess.Popen:
    """A private ``redis-server`` on ``port`` (never the machine's own Redis), ready to answer."""
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
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


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def wait_for_files(folder: Path, count: int = 1, timeout: float = 60) -> list[Path]:
    """The files in ``folder`` once there are at least ``count`` (or whatever is there at the timeout)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if folder.exists() and len(list(folder.iterdir())) >= count:
            break
        time.sleep(0.5)
    return sorted(folder.iterdir()) if folder.exists() else []
