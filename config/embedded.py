"""`make run`: the web server, a Celery worker and beat, on one machine without Redis.

The worker runs with an embedded beat (`-B`) on kombu's filesystem broker (see settings). All three
stop together on Ctrl-C.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def _announce(port: str) -> None:
    """Repeat the address and the demo logins once the servers' start-up output has scrolled past."""
    time.sleep(4)
    logins = Path("var/demo-logins.txt")
    print(f"\n協力確認書ポータル: http://127.0.0.1:{port}/  (Ctrl-C で終了)", flush=True)
    if logins.exists():
        print(logins.read_text(encoding="utf-8"), flush=True)


def main() -> int:
    port = os.environ.get("PORT", "8000")
    python = sys.executable
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    worker = subprocess.Popen(  # noqa: S603
        [python, "-m", "celery", "-A", "config", "worker", "-B", "--pool=solo", "--loglevel=INFO",
         "--schedule=var/celerybeat-schedule"],
        env=env,
    )
    web = subprocess.Popen(  # noqa: S603
        [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
    )
    children = [web, worker]
    _announce(port)

    def stop(*_args: object) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    finally:
        stop()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
    return web.returncode or 0


if __name__ == "__main__":
    sys.exit(main())
