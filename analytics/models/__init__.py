from analytics.models.links import ShortLink, ShortLinkDay
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
    "ShortLink",
    "ShortLinkDay",
    "TargetMetrics",
]
