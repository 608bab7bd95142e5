"""Snippets (hashtag groups, sign-offs) and labels of an organisation."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.services.errors import ServiceError
from content.models import Label, Snippet
from content.services.access import require


def snippet_create(*, organization, actor, name: str, text: str) -> Snippet:
    require(actor, organization, "post.edit")
    with transaction.atomic():
        snippet = Snippet.objects.create(organization=organization, name=name.strip(),
                                         text=text.strip())
        audit_record(organization=organization, actor=actor, verb="content.snippet.created",
                     target=snippet)
    return snippet


def snippet_delete(*, snippet: Snippet, actor) -> None:
    require(actor, snippet.organization, "post.edit")
    with transaction.atomic():
        audit_record(organization=snippet.organization, actor=actor,
                     verb="content.snippet.deleted", target=snippet)
        snippet.delete()


def label_create(*, organization, actor, name: str, colour: str) -> Label:
    require(actor, organization, "post.edit")
    try:
        with transaction.atomic():
            label = Label.objects.create(organization=organization, name=name.strip(),
                                         colour=colour.lower())
            audit_record(organization=organization, actor=actor, verb="content.label.created",
                         target=label)
    except IntegrityError:
        raise ServiceError(_("A label with this name exists already."), code="duplicate") \
            from None
    return label


def label_delete(*, label: Label, actor) -> None:
    require(actor, label.organization, "post.edit")
    with transaction.atomic():
        audit_record(organization=label.organization, actor=actor,
                     verb="content.label.deleted", target=label)
        label.delete()
