"""What people decide about a delivery: retry a failed one, settle an unconfirmed one.

Retrying keeps the "ask the platform first" mark of an uncertain failure, so a retry can
never post twice what may already be out.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services.errors import ServiceError
from content.models import PostTarget
from content.pipeline.settle import UNCERTAIN
from content.services.access import approval_valid, require
from content.services.transitions import target_transition
from content.workflows import PostState, TargetState


def _locked(target: PostTarget, expected: str) -> PostTarget:
    locked = (PostTarget.objects.select_for_update().select_related("post__organization")
              .get(pk=target.pk))
    if locked.status != expected:
        raise ServiceError(_("This delivery changed in the meantime; reload the page."),
                           code="state")
    return locked


def _may_publish(post) -> None:
    if post.status != PostState.SCHEDULED:
        raise ServiceError(_("Schedule the post again first."), code="not_scheduled")
    if post.organization.approval_required and not approval_valid(post):
        raise ServiceError(_("This post needs approval first."), code="not_approved")


def target_retry(*, target: PostTarget, actor) -> PostTarget:
    """A failed delivery goes out again now (attempts start over)."""
    require(actor, target.post.organization, "post.edit")
    with transaction.atomic():
        locked = _locked(target, TargetState.FAILED)
        _may_publish(locked.post)
        code = locked.last_error_code if locked.last_error_code in UNCERTAIN else ""
        return target_transition(locked, TargetState.SCHEDULED, actor=actor, reason="retry",
                                 next_attempt_at=timezone.now(), attempts=0,
                                 last_error_code=code)


def target_confirm_published(*, target: PostTarget, actor, url: str = "") -> PostTarget:
    """Someone checked: the unconfirmed post did go out (optionally at `url`)."""
    require(actor, target.post.organization, "post.edit")
    url = (url or "").strip()
    if url:
        try:
            URLValidator(schemes=["https", "http"])(url)
        except ValidationError:
            raise ServiceError(_("Enter the full address of the post, starting with https://."),
                               code="url") from None
    with transaction.atomic():
        locked = _locked(target, TargetState.UNCONFIRMED)
        return target_transition(locked, TargetState.PUBLISHED, actor=actor,
                                 reason="confirmed by a person", remote_url=url[:1000],
                                 published_at=timezone.now(), last_error="",
                                 last_error_code="")


def target_publish_again(*, target: PostTarget, actor) -> PostTarget:
    """Someone checked: the unconfirmed post did not go out, so publish it now."""
    require(actor, target.post.organization, "post.edit")
    with transaction.atomic():
        locked = _locked(target, TargetState.UNCONFIRMED)
        _may_publish(locked.post)
        return target_transition(locked, TargetState.SCHEDULED, actor=actor,
                                 reason="not published, says a person",
                                 next_attempt_at=timezone.now(), attempts=0,
                                 last_error="", last_error_code="")
