"""Tasks for reminders before visa applications: thin wrappers of ``filings.reminders``, IDs only."""

import smtplib

from celery import shared_task

__all__ = ["send_daily_reminders", "send_reminder", "send_reminders_batch"]


@shared_task(ignore_result=True)
def send_daily_reminders(today: str | None = None) -> int:
    """Beat runs this daily (hourly is harmless: every reminder goes out once). ``today`` is ISO."""
    import datetime

    from filings.reminders import run_daily

    return run_daily(today=datetime.date.fromisoformat(today) if today else None)


@shared_task(
    ignore_result=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_kwargs={"max_retries": 8},
)
def send_reminder(reminder_id: int) -> bool:
    """Send one queued reminder, at most once (see ``filings.reminders.send_reminder``)."""
    from filings.reminders import send_reminder as send

    return send(reminder_id)


@shared_task(
    ignore_result=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_kwargs={"max_retries": 8},
)
def send_reminders_batch(reminder_ids: list[int]) -> int:
    """Send the reminders one scan chunk queued, each at most once; a retry skips those sent."""
    from filings.reminders import send_reminders

    return send_reminders(reminder_ids)
