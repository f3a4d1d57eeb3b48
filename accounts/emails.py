"""Templated emails for every app, sent by the Celery worker after the transaction commits.

An email ``name`` has three templates: ``templates/emails/<name>.subject.txt``, ``<name>.txt`` and
``<name>.html`` (Zulip's layout). It is rendered in the recipient's language at enqueue time, so the
task carries only JSON values.
"""

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .outbox import enqueue

logger = logging.getLogger(__name__)


def render_email(name: str, context: dict, *, language: str = "ja") -> dict[str, str]:
    """Render the subject, text and HTML of ``emails/<name>`` in ``language``."""
    with translation.override(language):
        context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
        return {
            "subject": " ".join(render_to_string(f"emails/{name}.subject.txt", context).split()),
            "text": render_to_string(f"emails/{name}.txt", context),
            "html": render_to_string(f"emails/{name}.html", context),
        }


def send_templated_email(name: str, *, to: list[str], context: dict, language: str = "ja") -> None:
    """Render now, send from the worker once the current transaction has committed.

    A mail failure is retried by the task and never undoes the change that caused the email; a
    broker outage only delays it (see :mod:`accounts.outbox`).
    """
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    rendered = render_email(name, context, language=language)
    enqueue("accounts.tasks.send_email_task", recipients=recipients, **rendered)
