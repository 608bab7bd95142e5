"""Inbox items: list, assign, reply, done — through the inbox services the UI uses."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.services.errors import ServiceError
from api.pagination import NewestFirstCursorPagination
from api.queries import inbox_items
from api.serializers.inbox import (
    AssignSerializer,
    InboxFilterSerializer,
    InboxItemSerializer,
    InboxReplySerializer,
    ReplySerializer,
    SentimentCorrectionSerializer,
    SnoozeSerializer,
)
from api.views import examples as ex
from api.views.base import OrgViewSet
from inbox.models import InboxItem, ItemStatus
from inbox.selectors import member_account_scope, scoped_items
from inbox.services import (
    inbox_item_assign,
    inbox_item_set_status,
    inbox_reply_create,
)

ITEM_EXAMPLE = OpenApiExample("A comment", value=ex.INBOX_ITEM, response_only=True)


@extend_schema_view(
    list=extend_schema(summary="List inbox items", parameters=[InboxFilterSerializer],
                       description="Newest first, cursor-paginated. Open items by default "
                                   "(`status=all` for every item).", examples=[ITEM_EXAMPLE]),
    retrieve=extend_schema(summary="Get an inbox item", examples=[ITEM_EXAMPLE]),
)
class InboxItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgViewSet):
    serializer_class = InboxItemSerializer
    pagination_class = NewestFirstCursorPagination
    perms = {"list": "inbox.view", "retrieve": "inbox.view", "assign": "inbox.work",
             "done": "inbox.work", "reopen": "inbox.work", "reply": "inbox.reply",
             "sentiment": "inbox.work", "snooze": "inbox.work", "unsnooze": "inbox.work"}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InboxItem.objects.none()
        # Members limited to some accounts see only those accounts' items (404 otherwise).
        scope = member_account_scope(self.membership)
        if self.action != "list":
            return scoped_items(self.organization, scope).visible()
        filters = InboxFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return inbox_items(self.organization, self.membership, filters.validated_data)

    def _item(self, item: InboxItem) -> Response:
        item = InboxItem.objects.for_org(self.organization).get(pk=item.pk)
        return Response(InboxItemSerializer(item).data)

    @extend_schema(summary="Assign", request=AssignSerializer,
                   responses={200: InboxItemSerializer},
                   examples=[OpenApiExample("Assign", value={"assignee": 4},
                                            request_only=True), ITEM_EXAMPLE])
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        item = self.get_object()
        serializer = AssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignee_id = serializer.validated_data["assignee"]
        assignee = None
        if assignee_id is not None:
            assignee = get_user_model().objects.filter(
                pk=assignee_id, memberships__organization=self.organization).first()
            if assignee is None:
                # An id the schema allows that names no member: 422, like an unknown
                # account in a new post (400 is for input the schema refuses).
                raise ServiceError(_("Only members of this organisation can be assigned."),
                                   code="assignee")
        inbox_item_assign(item=item, assignee=assignee, actor=self.actor)
        return self._item(item)

    @extend_schema(
        summary="Correct the sentiment", request=SentimentCorrectionSerializer,
        responses={200: InboxItemSerializer},
        description="A person's label: recorded (who, when, from, to), audited, and never "
                    "overwritten by the analyser afterwards (`sentiment_corrected`).",
        examples=[OpenApiExample("Negative", value={"sentiment": "negative"},
                                 request_only=True), ITEM_EXAMPLE])
    @action(detail=True, methods=["post"])
    def sentiment(self, request, pk=None):
        from inbox.services.sentiment import sentiment_correct

        item = self.get_object()
        serializer = SentimentCorrectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sentiment_correct(item=item, label=serializer.validated_data["sentiment"],
                          actor=self.actor, request=request)
        return self._item(item)

    @extend_schema(summary="Mark done", request=None, responses={200: InboxItemSerializer},
                   examples=[ITEM_EXAMPLE])
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        item = self.get_object()
        inbox_item_set_status(item=item, status=ItemStatus.DONE, actor=self.actor)
        return self._item(item)

    @extend_schema(summary="Reopen", request=None, responses={200: InboxItemSerializer},
                   examples=[ITEM_EXAMPLE])
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        item = self.get_object()
        inbox_item_set_status(item=item, status=ItemStatus.OPEN, actor=self.actor)
        return self._item(item)

    @extend_schema(
        summary="Snooze", request=SnoozeSerializer, responses={200: InboxItemSerializer},
        description="The item leaves the open list until `until` (then it is back, and the "
                    "token's user is notified). Only open items can be snoozed.",
        examples=[OpenApiExample("Until Monday", value={"until": "2026-11-23T09:00:00+01:00"},
                                 request_only=True), ITEM_EXAMPLE])
    @action(detail=True, methods=["post"])
    def snooze(self, request, pk=None):
        from django.utils import timezone

        from inbox.services.snooze import inbox_items_snooze, snooze_until_from

        item = self.get_object()
        serializer = SnoozeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            until = snooze_until_from(until=serializer.validated_data["until"],
                                      now=timezone.now(), tz=timezone.get_current_timezone())
            inbox_items_snooze(organization=self.organization, item_ids=[item.pk],
                               until=until, actor=self.actor)
        except ServiceError as exc:
            raise exceptions.ValidationError({"until": [exc.message]}) from exc
        return self._item(item)

    @extend_schema(summary="Unsnooze", request=None, responses={200: InboxItemSerializer},
                   description="Back to the open list now.", examples=[ITEM_EXAMPLE])
    @action(detail=True, methods=["post"])
    def unsnooze(self, request, pk=None):
        from inbox.services.snooze import inbox_items_unsnooze

        item = self.get_object()
        inbox_items_unsnooze(organization=self.organization, item_ids=[item.pk],
                             actor=self.actor)
        return self._item(item)

    @extend_schema(
        summary="Reply", request=ReplySerializer, responses={201: InboxReplySerializer},
        description="The reply is sent through the platform by a worker, or waits for "
                    "approval where the organisation requires it (`status`).",
        examples=[OpenApiExample("Reply", value={"text": "It ends on Sunday!"},
                                 request_only=True),
                  OpenApiExample("Queued reply", response_only=True, value={
                      "id": 3, "item": 90, "text": "It ends on Sunday!", "status": "sending",
                      "error": "", "remote_url": "", "created_at": "2026-11-20T10:06:00Z",
                      "sent_at": None})])
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        item = self.get_object()
        serializer = ReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reply = inbox_reply_create(item=item, membership=self.membership,
                                   text=serializer.validated_data["text"])
        return Response(InboxReplySerializer(reply).data, status=status.HTTP_201_CREATED)
