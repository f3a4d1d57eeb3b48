"""Emails of the membership lifecycle: ``templates/emails/membership_<name>.subject.txt|.txt|.html``.

Services call :func:`send_after_commit` inside their transaction; the mail goes out only once the
decision is committed, and a mail failure is logged without undoing the decision.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def render_email(name: str, context: dict, *, language: str = "ja") -> tuple[str, str, str]:
    """Render the subject, text and HTML bodies of ``emails/membership_<name>``."""
    base = f"emails/membership_{name}"
    with translation.override(language):
        context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
        subject = " ".join(render_to_string(f"{base}.subject.txt", context).split())
        text = render_to_string(f"{base}.txt", context)
        html = render_to_string(f"{base}.html", context)
    return subject, text, html


def send_email(name: str, *, to: list[str], context: dict, language: str = "ja") -> None:
    recipients = [address for address in to if address]
    if not recipients:
        return
    subject, text, html = render_email(name, context, language=language)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, recipients)
    message.attach_alternative(html, "text/html")
    message.send()


def send_after_commit(name: str, *, to: list[str], context: Callable[[], dict], language: str = "ja") -> None:
    """Queue the email to go out after the current transaction commits.

    ``context`` is called after commit, so that the email shows the committed state.
    """

    def send() -> None:
        try:
            send_email(name, to=to, context=context(), language=language)
        except Exception:
            # The decision stands even when the mail server does not answer.
            logger.exception("membership email %s to %s failed", name, to)

    transaction.on_commit(send)
