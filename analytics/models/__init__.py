from analytics.models.metrics import (
    ACCOUNT_METRIC_NAMES,
    POST_METRIC_NAMES,
    AccountMetricSnapshot,
    PostMetricSnapshot,
)
from analytics.models.rollup import MetricsSchedule, TargetMetrics
from analytics.models.settings import AnalyticsSettings

__all__ = [
    "ACCOUNT_METRIC_NAMES",
    "POST_METRIC_NAMES",
    "AccountMetricSnapshot",
    "AnalyticsSettings",
    "MetricsSchedule",
    "PostMetricSnapshot",
    "TargetMetrics",
]
