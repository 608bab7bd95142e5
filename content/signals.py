"""What the content domain announces; other layers (the webhooks in `api`) subscribe.

Receivers run inside the sender's transaction: anything they send out must wait for the
commit (`api.webhooks.emit` does).
"""

from django.dispatch import Signal

# A published target was deleted on its platform. kwargs: target (PostTarget, status deleted)
target_deleted = Signal()
