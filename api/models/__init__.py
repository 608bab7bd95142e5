from api.models.tokens import ApiToken
from api.models.webhooks import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

__all__ = ["ApiToken", "DeliveryStatus", "WebhookDelivery", "WebhookEndpoint", "WebhookEvent"]
