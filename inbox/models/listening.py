from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import ConnectedAccount, Organization
from accounts.models.tenant import TenantQuerySet


class SavedSearch(models.Model):
    """A listening query (keywords, a #hashtag, a brand name) run through chosen accounts.

    Search is an authenticated API on most platforms, so each search runs through the
    organisation's own accounts on the platforms that offer it.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="saved_searches")
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("search terms"), max_length=200,
                             help_text=_("Keywords, a #hashtag or a brand name."))
    accounts = models.ManyToManyField(ConnectedAccount, related_name="saved_searches",
                                      verbose_name=_("search through"))
    enabled = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self) -> str:
        return self.name
