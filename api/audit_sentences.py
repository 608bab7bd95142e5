"""Sentences of the audit verbs of the API and webhooks (see accounts.audit_text)."""

from django.utils.translation import gettext_lazy

from accounts.audit_text import says


def _token(message) -> callable:
    """A token's label is "name (smt_prefix…)": the name is enough."""
    return lambda line: str(message) % {"actor": line.actor,
                                        "target": line.target.rsplit(" (smt_", 1)[0]}


SENTENCES = {
    "api.token.created": _token(gettext_lazy("%(actor)s created the API token “%(target)s”.")),
    "api.token.revoked": _token(gettext_lazy("%(actor)s revoked the API token “%(target)s”.")),
    "api.webhook.created": says(gettext_lazy("%(actor)s added the webhook %(target)s.")),
    "api.webhook.updated": says(gettext_lazy("%(actor)s changed the webhook %(target)s.")),
    "api.webhook.deleted": says(gettext_lazy("%(actor)s deleted the webhook %(target)s.")),
    "api.webhook.secret_rotated": says(gettext_lazy(
        "%(actor)s renewed the signing secret of the webhook %(target)s.")),
    "api.webhook.resent": says(gettext_lazy(
        "%(actor)s sent a webhook delivery to %(target)s again.")),
}
