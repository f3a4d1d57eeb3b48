"""Celery tasks of the filings app (discovered as ``filings.tasks``), split by concern."""

from .reminders import *  # noqa: F403
from .submissions import *  # noqa: F403
