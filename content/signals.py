"""What the content domain announces; other layers (the webhooks in `api`) subscribe.

Receivers run inside the sender's transaction: anything they send out must wait for the
commit (`api.webhooks.emit` does).
"""

from django.dispatch import Signal

# A post was submitted for approval. kwargs: post, actor (the submitting user or None)
approval_requested = Signal()

# Targets reached "published" or "failed". kwargs: targets (list of PostTarget, all with the
# same status — the publishing worker settles a batch at once)
targets_settled = Signal()

# A published target was deleted on its platform. kwargs: target (PostTarget, status deleted)
target_deleted = Signal()
