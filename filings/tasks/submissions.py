"""Tasks for submitted confirmations: delivery into the inbox, PDF bundles, the daily digest."""

from celery import shared_task

__all__ = ["build_pdf_bundle_task", "deliver_confirmation_task", "send_inbox_digests_task"]


@shared_task(name="filings.deliver_confirmation", ignore_result=True, soft_time_limit=60, time_limit=90)
def deliver_confirmation_task(confirmation_id: int) -> bool:
    """A portal submission arrived in the inbox: tell the municipality's office."""
    from ..submissions import notify_delivery

    return notify_delivery(confirmation_id)


@shared_task(bind=True, name="filings.build_pdf_bundle", ignore_result=True, soft_time_limit=600, time_limit=660)
def build_pdf_bundle_task(self, bundle_id: int) -> None:
    """Build the ZIP of an employer's missing confirmations, writing progress to the bundle row."""
    from ..submissions import build_pdf_bundle

    build_pdf_bundle(bundle_id, task_id=self.request.id or "")


@shared_task(name="filings.send_inbox_digests", ignore_result=True)
def send_inbox_digests_task() -> int:
    """Daily: one email per office that chose the digest over an email per arrival."""
    from ..submissions import send_daily_digests

    return send_daily_digests()
