from socialmgr.api.models.tokens import ApiToken
from socialmgr.api.models.webhooks import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

__all__ = ["ApiToken", "DeliveryStatus", "WebhookDelivery", "WebhookEndpoint", "WebhookEvent"]
