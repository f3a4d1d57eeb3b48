"""Periodic work of the membership app: thin wrappers around services."""

from celery import shared_task

from . import services


@shared_task(name="membership.apply_due_change_notifications")
def apply_due_change_notifications() -> int:
    """Daily: change member rows whose acknowledged change notification takes effect today.

    Safe to run twice: each notification is applied at most once (``applied_at``, checked under lock).
    """
    return services.apply_due_change_notifications()
