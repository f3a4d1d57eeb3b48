import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_kwargs={"max_retries": 8},
)
def send_email_task(self, *, recipients: list[str], subject: str, text: str, html: str) -> None:
    """Send one rendered email. Retried with back-off while the mail server is unreachable."""
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, recipients)
    message.attach_alternative(html, "text/html")
    message.send()


@shared_task(ignore_result=True)
def relay_queued_tasks() -> int:
    """Beat runs this every minute: send work that waited for the broker to come back."""
    from .outbox import relay_pending

    return relay_pending()
