import datetime as dt
import hashlib
import json
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ConnectedAccount, Organization
from accounts.models.organizations import validate_timezone
from accounts.models.tenant import TenantQuerySet
from content.workflows import (
    PHASE_LABELS,
    POST,
    TARGET,
    PostState,
    TargetState,
    allowed_actions,
    delivery_status,
    post_phase,
)


class Label(models.Model):
    """A label or campaign used to group and filter posts."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="labels")
    name = models.CharField(_("name"), max_length=60)
    colour = models.CharField(_("colour"), max_length=7, default="#64748b")

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"],
                                               name="uniq_label_per_org")]

    def __str__(self) -> str:
        return self.name


class Snippet(models.Model):
    """Saved text to insert in the composer (hashtag groups, sign-offs)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="snippets")
    name = models.CharField(_("name"), max_length=80)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("snippet")
        verbose_name_plural = _("snippets")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PostQuerySet(TenantQuerySet):
    def overdue(self, now=None):
        """Waiting for approval although the planned time has passed."""
        return self.filter(status__in=[PostState.PENDING, PostState.CHANGES],
                           scheduled_at__lt=now or timezone.now())


class Post(models.Model):
    """One idea, published to one or more accounts through its targets."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="posts")
    title = models.CharField(_("internal name"), max_length=120, blank=True)
    text = models.TextField(_("text"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=POST.choices,
                              default=POST.initial, editable=False)
    scheduled_at = models.DateTimeField(_("planned time"), null=True, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC",
                                validators=[validate_timezone])
    labels = models.ManyToManyField(Label, blank=True, related_name="posts")
    notes = models.TextField(_("internal notes"), blank=True)
    # Optimistic concurrency: every save increments it; a save based on an older value fails.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Each submission opens a new approval round; decisions of older rounds no longer count.
    approval_round = models.PositiveIntegerField(default=0, editable=False)
    approved_content_hash = models.CharField(max_length=64, blank=True, editable=False)
    link_url = models.URLField(_("link"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "scheduled_at"]),
            models.Index(fields=["organization", "status"]),
        ]

    def __str__(self) -> str:
        return self.title or (self.text[:60] if self.text else f"#{self.pk}")

    @property
    def status_label(self) -> str:
        return POST.label(self.status)

    @property
    def phase(self) -> str:
        """Draft … published / partly published / failed: see `content.workflows`."""
        return post_phase(self.status, self.targets.all())

    @property
    def phase_label(self) -> str:
        return str(PHASE_LABELS.get(self.phase, self.phase))

    @property
    def actions(self) -> frozenset[str]:
        """What the post's phase allows (who may do it is the permissions' business)."""
        return allowed_actions(self.phase)

    @property
    def delivery_status(self) -> str:
        """Derived from the targets (use the prefetched targets when present)."""
        annotated = getattr(self, "_delivery", None)
        if annotated is not None:
            return annotated
        return delivery_status([t.status for t in self.targets.all()])

    @property
    def is_overdue(self) -> bool:
        return (self.status in (PostState.PENDING, PostState.CHANGES, PostState.APPROVED)
                and self.scheduled_at is not None and self.scheduled_at < timezone.now())

    def content_hash(self) -> str:
        """What an approval approves: texts, accounts and media of every target."""
        targets = sorted(self.targets.all(), key=lambda t: t.account_id)
        payload = {
            "text": self.text,
            "link": self.link_url,
            "targets": [
                {"account": t.account_id, "text": t.text,
                 "media": [(m.asset_id, m.alt_text) for m in t.attachments.all()],
                 **({"parts": parts} if (parts := [(p.kind, p.text) for p in t.parts.all()])
                    else {})}
                for t in targets
            ],
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


# last_error_code of a delivery paused until its account is reconnected.
RECONNECT_WAIT_CODE = "account_needs_reconnect"


class PostTargetQuerySet(TenantQuerySet):
    org_field = "post__organization"

    def due(self, now=None):
        """Scheduled targets whose time has come (the dispatcher's partial index)."""
        return self.filter(status=TargetState.SCHEDULED,
                           next_attempt_at__lte=now or timezone.now())

    def lease_expired(self, now=None):
        return self.filter(status=TargetState.PUBLISHING,
                           lease_expires_at__lt=now or timezone.now())


class PostTarget(models.Model):
    """The post as it goes to one connected account; moved by the publishing pipeline."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="targets")
    account = models.ForeignKey(ConnectedAccount, on_delete=models.CASCADE,
                                related_name="post_targets")
    text = models.TextField(_("text for this account"), blank=True,
                            help_text=_("Leave empty to use the shared text."))
    status = models.CharField(_("status"), max_length=20, choices=TARGET.choices,
                              default=TARGET.initial, editable=False)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    remote_id = models.CharField(max_length=255, blank=True)
    remote_url = models.URLField(max_length=1000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_code = models.CharField(max_length=64, blank=True)
    media = models.ManyToManyField("content.MediaAsset", through="content.PostTargetMedia",
                                   blank=True, related_name="targets")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("post target")
        verbose_name_plural = _("post targets")
        ordering = ["post_id", "account_id"]
        constraints = [models.UniqueConstraint(fields=["post", "account"],
                                               name="uniq_target_per_account")]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="target_due_idx",
                         condition=models.Q(status="scheduled")),
            models.Index(fields=["lease_expires_at"], name="target_lease_idx",
                         condition=models.Q(status="publishing")),
            models.Index(fields=["account", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.post} → {self.account}"

    @property
    def effective_text(self) -> str:
        return self.text or self.post.text

    @property
    def first_part_text(self) -> str:
        """The text of the target's own post: the first part when it is a thread."""
        from lib.threads import has_parts, split_parts

        text = self.effective_text
        return split_parts(text)[0] if has_parts(text) else text

    @property
    def status_label(self) -> str:
        return TARGET.label(self.status)

    @property
    def waits_for_reconnect(self) -> bool:
        """Paused because its account needs reconnecting (content.pipeline.resume)."""
        return (self.status == TargetState.PAUSED
                and self.last_error_code == RECONNECT_WAIT_CODE)

    @property
    def reconnect_deadline(self) -> dt.datetime | None:
        """Until when it waits for the reconnect: its planned time + the configured wait."""
        planned = self.post.scheduled_at or self.updated_at
        if planned is None:
            return None
        return planned + dt.timedelta(hours=settings.PUBLISH_RECONNECT_WAIT_HOURS)


class PostTargetMedia(models.Model):
    """An attachment of a target, in order, with the alt text used for this post."""

    target = models.ForeignKey(PostTarget, on_delete=models.CASCADE, related_name="attachments")
    asset = models.ForeignKey("content.MediaAsset", on_delete=models.PROTECT,
                              related_name="attachments")
    position = models.PositiveSmallIntegerField(default=0)
    alt_text = models.TextField(_("alt text"), blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["target", "asset"],
                                               name="uniq_media_per_target")]

    def __str__(self) -> str:
        return f"{self.target_id}:{self.position}"

    @property
    def effective_alt_text(self) -> str:
        return self.alt_text or self.asset.alt_text
