"""RSS/Atom feeds as a content source: new articles become drafts (or queued posts)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import ConnectedAccount, Organization
from accounts.models.tenant import TenantQuerySet

DEFAULT_TEMPLATE = "{title}\n\n{link}"


class Feed(models.Model):
    """A feed an admin added. Polled politely (conditional GET, its own interval)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="feeds")
    url = models.URLField(_("feed address"), max_length=2000)
    title = models.CharField(_("name"), max_length=200, blank=True)
    accounts = models.ManyToManyField(ConnectedAccount, related_name="+",
                                      verbose_name=_("post to"))
    template = models.TextField(
        _("post text"), default=DEFAULT_TEMPLATE,
        help_text=_("{title}, {link} and {summary} are replaced by the article's title, "
                    "address and summary."))
    auto_queue = models.BooleanField(
        _("add new articles to the queue"), default=False,
        help_text=_("Otherwise each new article becomes a draft. Where approval is "
                    "required, queued posts still wait for approval."))
    enabled = models.BooleanField(_("active"), default=True)
    # The person whose rights the drafts are written with (they stay the author).
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Polling state: conditional GET validators and when to look next.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)
    # The first successful read only remembers what is there: old articles are not posted.
    primed = models.BooleanField(default=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("feed")
        verbose_name_plural = _("feeds")
        ordering = ["title", "url"]
        constraints = [models.UniqueConstraint(fields=["organization", "url"],
                                               name="uniq_feed_url_per_org")]
        indexes = [models.Index(fields=["next_check_at"], name="feed_due",
                                condition=models.Q(enabled=True))]

    def __str__(self) -> str:
        return self.title or self.url


class FeedEntryQuerySet(TenantQuerySet):
    org_field = "feed__organization"


class FeedEntry(models.Model):
    """An article seen in a feed, remembered by its id (or link) so it is posted once,
    even when it is edited upstream."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="entries")
    key = models.CharField(max_length=64)  # sha256 of the entry's id, or of its link
    link = models.URLField(max_length=2000, blank=True)
    title = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    post = models.ForeignKey("content.Post", on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    seen_at = models.DateTimeField(auto_now_add=True)

    objects = FeedEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("feed article")
        verbose_name_plural = _("feed articles")
        constraints = [models.UniqueConstraint(fields=["feed", "key"],
                                               name="uniq_feed_entry")]

    def __str__(self) -> str:
        return self.title or self.link
