"""An organisation's writing-assistant settings and its monthly usage."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization


class LimitKind(models.TextChoices):
    REQUESTS = "requests", _("requests")
    TOKENS = "tokens", _("tokens")


class AssistantSettings(models.Model):
    """One row per organisation, created on first save. Off until an admin turns it on."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE,
                                        related_name="assistant_settings")
    enabled = models.BooleanField(
        _("turn the writing assistant on"), default=False,
        help_text=_("While it is off, nothing is sent to the endpoint below."))
    base_url = models.URLField(
        _("endpoint address"), max_length=500, blank=True,
        help_text=_("The base address of an OpenAI-compatible API, for example "
                    "https://api.openai.com/v1 or, for Ollama, http://ollama.internal:11434/v1. "
                    "socialmgr calls <address>/chat/completions."))
    model = models.CharField(
        _("model"), max_length=200, blank=True,
        help_text=_("The model name the endpoint knows, for example gpt-4o-mini or llama3.1."))
    # Fernet-encrypted (lib.crypto), like platform tokens; empty when the endpoint needs none.
    api_key_encrypted = models.TextField(blank=True, editable=False)
    accepts_images = models.BooleanField(
        _("the model accepts images"), default=False,
        help_text=_("Turn on only for a vision model: alt-text suggestions send the image "
                    "to the endpoint."))
    send_usage_option = models.BooleanField(
        _("ask the server for token counts (stream_options)"), default=True,
        help_text=_("Advanced. Turned off by itself when the endpoint refuses the option; "
                    "usage is then counted in requests."))
    limit_kind = models.CharField(_("count usage in"), max_length=10,
                                  choices=LimitKind.choices, default=LimitKind.REQUESTS)
    monthly_limit = models.PositiveIntegerField(
        _("monthly limit"), default=500,
        help_text=_("Requests or tokens per calendar month for the whole organisation; "
                    "when it is reached, the assistant stops until next month."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("writing assistant settings")
        verbose_name_plural = _("writing assistant settings")

    def __str__(self) -> str:
        return f"assistant settings of {self.organization_id}"

    @property
    def has_api_key(self) -> bool:
        return bool(self.api_key_encrypted)


class AssistantUsage(models.Model):
    """What an organisation used in one calendar month (its own time zone)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="assistant_usage")
    month = models.DateField()  # the first day of the month
    requests = models.PositiveIntegerField(default=0)
    prompt_tokens = models.PositiveBigIntegerField(default=0)
    completion_tokens = models.PositiveBigIntegerField(default=0)
    # Requests whose answer did not say how many tokens it took (the `usage` field is optional).
    unmetered_requests = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "month"],
                                               name="uniq_assistant_usage_month")]

    def __str__(self) -> str:
        return f"assistant usage of {self.organization_id} in {self.month:%Y-%m}"

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens
