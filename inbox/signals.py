"""What the inbox announces; other layers (the webhooks in `api`) subscribe.

Receivers run inside the ingesting transaction: anything they send out must wait for the
commit (`api.webhooks.emit` does).
"""

from django.dispatch import Signal

# New items were stored for an organisation. kwargs: organization_id, items (new InboxItems),
# memo (a dict that lives for one poll run: receivers cache their look-ups in it)
items_received = Signal()

# A spike alert was raised (inbox.services.alerts). kwargs: alert
alert_raised = Signal()
