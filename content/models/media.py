import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.models.tenant import TenantQuerySet


def _asset_path(instance, filename: str) -> str:
    # Random names: the original name is kept in `original_name`, never trusted for paths.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"media/{instance.organization_id}/{uuid.uuid4().hex}.{ext}"


def _rendition_path(instance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"media/{instance.asset.organization_id}/r/{uuid.uuid4().hex}.{ext}"


class MediaKind(models.TextChoices):
    IMAGE = "image", _("Image")
    GIF = "gif", _("Animated GIF")
    VIDEO = "video", _("Video")


class MediaAsset(models.Model):
    """A file in the organisation's media library, validated by content on upload."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="media_assets")
    file = models.FileField(upload_to=_asset_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=MediaKind.choices)
    content_type = models.CharField(max_length=100)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    duration_s = models.FloatField(null=True, blank=True)
    alt_text = models.TextField(_("alt text"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    licence = models.CharField(_("licence"), max_length=120, blank=True)
    # The uploader made it (photo, graphic): no licence to record.
    own_work = models.BooleanField(_("own work"), default=False)
    attribution = models.CharField(_("attribution"), max_length=300, blank=True)
    folder = models.CharField(_("folder"), max_length=120, blank=True)
    tags = models.CharField(_("tags"), max_length=300, blank=True,
                            help_text=_("Separated by commas."))
    sha256 = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("media file")
        verbose_name_plural = _("media files")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "folder"]),
                   models.Index(fields=["organization", "sha256"])]

    def __str__(self) -> str:
        return self.original_name or f"#{self.pk}"

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]

    @property
    def has_licence(self) -> bool:
        return self.own_work or bool(self.licence.strip())

    def thumbnail(self):
        """The thumbnail rendition when prefetched/existing, else None."""
        for r in self.renditions.all():
            if r.purpose == "thumb":
                return r
        return None


class MediaRendition(models.Model):
    """A derived file: a thumbnail or a platform-ready copy (size, format)."""

    asset = models.ForeignKey(MediaAsset, on_delete=models.CASCADE, related_name="renditions")
    purpose = models.CharField(max_length=40)  # "thumb" or a provider key
    file = models.FileField(upload_to=_rendition_path, max_length=300)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["asset", "purpose"],
                                               name="uniq_rendition_purpose")]

    def __str__(self) -> str:
        return f"{self.asset} [{self.purpose}]"


class LinkPreview(models.Model):
    """OpenGraph/Twitter-card data of a public URL (shared cache: the data is public)."""

    url = models.URLField(max_length=2000)
    url_hash = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    image_url = models.URLField(max_length=2000, blank=True)
    site_name = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=200, blank=True)
    fetched_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.url
