from django.contrib import admin

from analytics.models import AnalyticsSettings, MetricsSchedule, TargetMetrics


@admin.register(AnalyticsSettings)
class AnalyticsSettingsAdmin(admin.ModelAdmin):
    list_display = ("organization", "utm_enabled", "monthly_report", "last_report_month")


@admin.register(MetricsSchedule)
class MetricsScheduleAdmin(admin.ModelAdmin):
    list_display = ("account", "account_due_at", "blocked_until", "leased_until", "last_error")
    raw_id_fields = ("account",)


@admin.register(TargetMetrics)
class TargetMetricsAdmin(admin.ModelAdmin):
    list_display = ("target", "provider", "published_at", "next_bucket", "next_due_at",
                    "snapshots", "engagements")
    raw_id_fields = ("organization", "account", "target", "post")
    list_filter = ("provider", "unsupported")
