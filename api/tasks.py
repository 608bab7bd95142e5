"""Thin Celery tasks for webhook deliveries."""

from celery import shared_task

from api.services.webhooks import (
    webhook_deliveries_due,
    webhook_deliveries_purge,
    webhook_delivery_attempt,
)


@shared_task(name="api.deliver_webhook", ignore_result=True)
def deliver_webhook(delivery_id: int) -> None:
    webhook_delivery_attempt(delivery_id=delivery_id)


@shared_task(name="api.dispatch_webhooks", ignore_result=True)
def dispatch_webhooks() -> None:
    """Beat: queue every delivery whose (re)try is due."""
    for delivery_id in webhook_deliveries_due():
        deliver_webhook.delay(delivery_id)


@shared_task(name="api.purge_webhook_deliveries", ignore_result=True)
def purge_webhook_deliveries() -> None:
    webhook_deliveries_purge()
