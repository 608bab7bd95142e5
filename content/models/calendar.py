"""Planning models: queue slots, recurring series and private iCal feed tokens."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import ConnectedAccount, Organization
from accounts.models.organizations import validate_timezone
from accounts.models.tenant import TenantQuerySet


class Weekday(models.IntegerChoices):
    # Python's date.weekday(): Monday is 0 (the German week starts on Monday too).
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class QueueSlot(models.Model):
    """A weekly posting time of one account, as wall-clock time in the organisation's zone."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="queue_slots")
    account = models.ForeignKey(ConnectedAccount, on_delete=models.CASCADE,
                                related_name="queue_slots")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    time = models.TimeField(_("time"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        ordering = ["account_id", "weekday", "time"]
        constraints = [models.UniqueConstraint(fields=["account", "weekday", "time"],
                                               name="uniq_queue_slot")]

    def __str__(self) -> str:
        return f"{self.account} {self.get_weekday_display()} {self.time:%H:%M}"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly on chosen weekdays")
    MONTHLY = "monthly", _("Monthly on a day of the month")
    DAILY = "daily", _("Every N days")


class RecurrenceRule(models.Model):
    """Repeats a template post. Occurrence times come from the rule alone (date + wall-clock
    time in `timezone`), never from when the materialising job happened to run."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="recurrence_rules")
    template = models.OneToOneField("content.Post", on_delete=models.CASCADE,
                                    related_name="recurrence_rule")
    frequency = models.CharField(_("repeats"), max_length=10, choices=Frequency.choices)
    interval = models.PositiveSmallIntegerField(
        _("every"), default=1, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Days for “every N days”, weeks for weekly, months for monthly."))
    weekdays = models.JSONField(_("weekdays"), default=list, blank=True)
    month_day = models.PositiveSmallIntegerField(
        _("day of the month"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)])
    time = models.TimeField(_("time"))
    timezone = models.CharField(_("time zone"), max_length=64, validators=[validate_timezone])
    starts_on = models.DateField(_("first day"))
    until = models.DateField(_("until"), null=True, blank=True)
    count = models.PositiveIntegerField(_("number of posts"), null=True, blank=True,
                                        validators=[MinValueValidator(1)])
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("recurring post")
        verbose_name_plural = _("recurring posts")

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} · {self.template}"


class RecurrenceOccurrence(models.Model):
    """One materialised occurrence: its own Post. Unique per (rule, time): idempotent."""

    rule = models.ForeignKey(RecurrenceRule, on_delete=models.CASCADE,
                             related_name="occurrences")
    occurrence_at = models.DateTimeField()
    post = models.OneToOneField("content.Post", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="occurrence")
    skipped = models.BooleanField(default=False)
    # Edited on its own ("this one"): series edits ("all future") leave it alone.
    detached = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurrence_at"]
        constraints = [models.UniqueConstraint(fields=["rule", "occurrence_at"],
                                               name="uniq_occurrence_per_rule")]

    def __str__(self) -> str:
        return f"{self.rule_id}@{self.occurrence_at:%Y-%m-%d %H:%M}"


class CalendarFeedToken(models.Model):
    """A user's private iCal feed secret. Only its SHA-256 is stored; regenerating replaces it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="calendar_feed_token")
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=8, blank=True)  # first characters, to recognise it
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed token")

    def __str__(self) -> str:
        return f"{self.user} ({self.hint}…)"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
