"""Background work of the council app: thin wrappers around services, IDs in, idempotent."""

from celery import shared_task

from . import services


@shared_task(bind=True, max_retries=5, default_retry_delay=60, soft_time_limit=60, time_limit=90)
def send_invitation_task(self, *, invitation_id: int) -> bool:
    """Email one invitation (with its .ics). Safe to run twice: ``sent_at`` is checked under lock."""
    try:
        return services.send_invitation(invitation_id)
    except OSError as exc:  # the mail server is unreachable: try again later
        raise self.retry(exc=exc) from exc


@shared_task(soft_time_limit=300, time_limit=360)
def close_due_circulations_task() -> list[int]:
    """Every 15 minutes: close written circulations past their deadline and record the outcome."""
    return services.close_due_circulations()


@shared_task(soft_time_limit=300, time_limit=360)
def refresh_statistics_task() -> int:
    """Every 30 minutes: recompute the stored month-end counts of the regional statistics' trend
    from the status history, so that back-dated changes reach the chart and no page reads the
    history. Safe to run twice (it overwrites the same rows)."""
    from django.utils import timezone

    from .statistics import refresh_monthly_statistics

    return len(refresh_monthly_statistics(today=timezone.localdate()))
