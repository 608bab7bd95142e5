from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.models.tenant import TenantQuerySet
from accounts.roles import Role


class ApprovalStep(models.Model):
    """One step of the organisation's review (e.g. legal, then team lead).

    Held by a role (anyone at least that role) or by named members.
    Without any step configured, one approval by an approver is enough.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="approval_steps")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=80)
    role = models.CharField(_("held by role"), max_length=16, choices=Role.choices, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                     related_name="approval_steps",
                                     verbose_name=_("held by members"))

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    CHANGES = "changes_requested", _("Changes requested")


class PostApproval(models.Model):
    """A decision on a post in one approval round, by a member or through a client link."""

    post = models.ForeignKey("content.Post", on_delete=models.CASCADE, related_name="approvals")
    step = models.ForeignKey(ApprovalStep, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="decisions")
    round = models.PositiveIntegerField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    review_link = models.ForeignKey("content.ClientReviewLink", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="decisions")
    reviewer_name = models.CharField(max_length=120, blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices)
    comment = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "id"]
        indexes = [models.Index(fields=["post", "round"])]

    def __str__(self) -> str:
        return f"{self.post_id} {self.decision}"


class ClientReviewLink(models.Model):
    """A signed, expiring, revocable link for a reviewer without an account."""

    post = models.ForeignKey("content.Post", on_delete=models.CASCADE,
                             related_name="review_links")
    reviewer_name = models.CharField(_("reviewer name"), max_length=120, blank=True)
    reviewer_email = models.EmailField(_("reviewer email"), blank=True)
    # The approval step and round the link was made for: it decides that step only, and
    # only while it is the post's open step in that round (a changed post, or the next
    # step, needs a new link).
    step = models.ForeignKey("content.ApprovalStep", on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    step_name = models.CharField(max_length=80, blank=True)
    approval_round = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"review link #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class CommentKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    APPROVED = "approved", _("Approved")
    CHANGES = "changes_requested", _("Changes requested")


class PostComment(models.Model):
    """Thread on a post: discussion and the comments given with review decisions."""

    post = models.ForeignKey("content.Post", on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    author_name = models.CharField(max_length=120, blank=True)  # clients via review link
    kind = models.CharField(max_length=20, choices=CommentKind.choices,
                            default=CommentKind.COMMENT)
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def display_author(self) -> str:
        if self.author_id:
            return self.author.get_full_name() or self.author.email
        return self.author_name
