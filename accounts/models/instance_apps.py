from django.db import models
from django.utils.translation import gettext_lazy as _


class InstanceAppRegistration(models.Model):
    """This installation's OAuth app on one federated server (Mastodon and friends).

    Registered once per (server, redirect URI, scopes) and reused by every
    organisation that connects an account there; the secret is encrypted with
    lib.crypto. Installation-wide on purpose: it identifies socialmgr, not a tenant.
    """

    provider = models.CharField(max_length=32)
    instance_url = models.URLField(max_length=500)
    redirect_uri = models.URLField(max_length=500)
    scopes = models.CharField(max_length=300)
    client_id = models.CharField(max_length=255)
    client_secret_encrypted = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("server app registration")
        constraints = [
            models.UniqueConstraint(fields=["provider", "instance_url", "redirect_uri", "scopes"],
                                    name="uniq_instance_app")
        ]

    def __str__(self) -> str:
        return f"{self.provider} app on {self.instance_url}"
