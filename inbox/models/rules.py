from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import ConnectedAccount, Organization
from accounts.models.tenant import TenantQuerySet
from inbox.models.items import ItemKind


class AutomationRule(models.Model):
    """Runs on every new item, in `position` order: when all set conditions match, act.

    Empty conditions match everything; keywords match when any of them occurs in the text.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="inbox_rules")
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("order"), default=0)
    enabled = models.BooleanField(_("active"), default=True)
    # conditions
    match_account = models.ForeignKey(ConnectedAccount, null=True, blank=True,
                                      on_delete=models.CASCADE, related_name="+",
                                      verbose_name=_("account"))
    match_platform = models.CharField(_("platform"), max_length=32, blank=True)
    match_kind = models.CharField(_("type"), max_length=16, choices=ItemKind.choices, blank=True)
    match_keywords = models.CharField(
        _("keywords"), max_length=500, blank=True,
        help_text=_("Comma-separated; matches when any of them occurs in the text."))
    match_author = models.CharField(_("author"), max_length=255, blank=True,
                                    help_text=_("Handle of the sender, for example @someone."))
    # actions
    assign_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("assign to"))
    add_label = models.CharField(_("add label"), max_length=50, blank=True)
    mark_done = models.BooleanField(_("mark as done"), default=False)
    flag_urgent = models.BooleanField(_("flag as urgent"), default=False)
    stop_here = models.BooleanField(
        _("stop after this rule"), default=False,
        help_text=_("Later rules do not run on items this one matched."))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("automation rule")
        verbose_name_plural = _("automation rules")

    def __str__(self) -> str:
        return self.name

    @property
    def keywords(self) -> list[str]:
        return [k.strip().lower() for k in self.match_keywords.split(",") if k.strip()]
