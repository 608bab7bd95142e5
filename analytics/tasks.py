"""Thin Celery tasks: ids in, one service call each."""

from celery import shared_task


@shared_task(name="analytics.enqueue_due", ignore_result=True)
def enqueue_due() -> None:
    from analytics.services.collection import metrics_enqueue_due

    metrics_enqueue_due()


@shared_task(name="analytics.collect_account", ignore_result=True)
def collect_account(account_id: int) -> None:
    from analytics.services.collection import metrics_collect_account

    metrics_collect_account(account_id=account_id)


@shared_task(name="analytics.send_monthly_reports", ignore_result=True)
def send_monthly_reports() -> None:
    from analytics.services.reports import reports_send_monthly

    reports_send_monthly()
