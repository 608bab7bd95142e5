"""Posts: the same services as the composer and the post page, with the same rules."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.pagination import NewestFirstCursorPagination
from api.queries import filter_posts, visible_posts
from api.serializers.posts import (
    ApproveSerializer,
    CancelSerializer,
    PostFilterSerializer,
    PostSerializer,
    PostUpdateSerializer,
    PostWriteSerializer,
    RequestChangesSerializer,
    ScheduleSerializer,
    TargetSerializer,
)
from api.views import examples as ex
from api.views.base import OrgViewSet
from content.models import Post, PostTarget
from content.selectors import posts_visible_to
from content.services.posts import post_create, post_delete, post_update
from content.services.workflow import (
    post_approve,
    post_cancel,
    post_request_changes,
    post_schedule,
    post_submit,
    post_unschedule,
)


def _action_doc(summary: str, description: str, request=None, request_example=None):
    return extend_schema(
        summary=summary, description=description, request=request,
        responses={200: PostSerializer},
        examples=[e for e in (request_example, ex.POST_RESPONSE, ex.CONFLICT, ex.REFUSED) if e])


@extend_schema_view(
    list=extend_schema(summary="List posts", parameters=[PostFilterSerializer],
                       description="Newest first, cursor-paginated (`next`/`previous` links; "
                                   "`limit` up to 200).", examples=[ex.POST_RESPONSE]),
    retrieve=extend_schema(summary="Get a post", examples=[ex.POST_RESPONSE]),
    create=extend_schema(summary="Create a draft", request=PostWriteSerializer,
                         responses={201: PostSerializer},
                         examples=[ex.POST_CREATE, ex.POST_RESPONSE, ex.VALIDATION_ERROR,
                                   ex.REFUSED]),
    partial_update=extend_schema(
        summary="Edit a post", request=PostUpdateSerializer, responses={200: PostSerializer},
        description="Send `version` as last read; a save by someone else in between answers "
                    "409. Where approval is required, changing approved content sends the "
                    "post back for approval.",
        examples=[ex.POST_UPDATE, ex.POST_RESPONSE, ex.CONFLICT]),
    destroy=extend_schema(summary="Delete a draft",
                          description="A post that (partly) went out is archived instead.",
                          examples=[OpenApiExample(
                              "Not a draft", response_only=True, status_codes=["422"],
                              value={"detail": "Only drafts can be deleted. Cancel the post "
                                               "first.", "code": "not_draft"})]),
)
class PostViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgViewSet):
    serializer_class = PostSerializer
    pagination_class = NewestFirstCursorPagination
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    perms = {
        "list": "post.view", "retrieve": "post.view", "create": "post.edit",
        "partial_update": "post.edit", "destroy": "post.edit", "submit": "post.submit",
        # As on the post page: deciding is for whoever holds the open approval step (the
        # service checks it against the token's capped role), scheduling follows the
        # organisation's approval rule.
        "approve": "post.edit", "request_changes": "post.edit", "schedule": "post.edit",
        "unschedule": "post.edit", "cancel": "post.edit",
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Post.objects.none()
        return visible_posts(self.membership, self.organization)

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        filters = PostFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return filter_posts(queryset, filters.validated_data)

    def _fresh(self, post: Post, code: int = status.HTTP_200_OK) -> Response:
        post = self.get_queryset().get(pk=post.pk)
        return Response(PostSerializer(post, context=self.get_serializer_context()).data,
                        status=code)

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer

    def create(self, request):
        data = self._input(PostWriteSerializer).to_post_data()
        post = post_create(organization=self.organization, actor=self.actor, data=data)
        return self._fresh(post, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        post = self.get_object()
        serializer = self._input(PostUpdateSerializer)
        post = post_update(post=post, actor=self.actor, data=serializer.to_post_data_from(post),
                           expected_version=serializer.validated_data["version"])
        return self._fresh(post)

    def destroy(self, request, pk=None):
        """A draft is deleted (204). A published post is deleted on every network it went
        to: 202 with the post while the platforms are asked, 204 once archived."""
        post = self.get_object()
        if post_delete(post=post, actor=self.actor) == "deleting":
            return self._fresh(post, status.HTTP_202_ACCEPTED)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @_action_doc("Submit for approval", "Opens a new approval round and notifies approvers.",
                 request=None)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._fresh(post_submit(post=self.get_object(), actor=self.actor))

    @_action_doc("Approve", "Approves the open step; when every step is approved the post is "
                 "approved, and scheduled if its planned time is still ahead.",
                 request=ApproveSerializer, request_example=OpenApiExample(
                     "Approve with a comment", request_only=True,
                     value={"comment": "Looks good.", "scheduled_at": None}))
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        post = self.get_object()  # 404 before any input check
        d = self._input(ApproveSerializer).validated_data
        return self._fresh(post_approve(post=post, actor=self.actor,
                                        comment=d["comment"], scheduled_at=d["scheduled_at"]))

    @_action_doc("Request changes", "Sends the post back to its author with a comment.",
                 request=RequestChangesSerializer, request_example=OpenApiExample(
                     "Ask for a change", request_only=True,
                     value={"comment": "Please add the price."}))
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request, pk=None):
        post = self.get_object()  # 404 before any input check
        d = self._input(RequestChangesSerializer).validated_data
        return self._fresh(post_request_changes(post=post, actor=self.actor,
                                                comment=d["comment"]))

    @_action_doc("Schedule or publish now", "Schedules at `scheduled_at` (or the planned "
                 "time); `now: true` makes the targets due at once. Where approval is "
                 "required, only approved posts can be scheduled.",
                 request=ScheduleSerializer, request_example=OpenApiExample(
                     "Schedule", request_only=True,
                     value={"scheduled_at": "2026-12-01T10:00:00+01:00"}))
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        post = self.get_object()  # 404 before any input check
        d = self._input(ScheduleSerializer).validated_data
        return self._fresh(post_schedule(post=post, actor=self.actor,
                                         scheduled_at=d["scheduled_at"], now=d["now"]))

    @_action_doc("Unschedule", "Takes a scheduled post off the schedule.", request=None)
    @action(detail=True, methods=["post"])
    def unschedule(self, request, pk=None):
        return self._fresh(post_unschedule(post=self.get_object(), actor=self.actor))

    @_action_doc("Cancel", "Cancels the post and every target not yet published.",
                 request=CancelSerializer, request_example=OpenApiExample(
                     "Cancel", request_only=True, value={"reason": "Campaign postponed"}))
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        post = self.get_object()  # 404 before any input check
        d = self._input(CancelSerializer).validated_data
        return self._fresh(post_cancel(post=post, actor=self.actor,
                                       reason=d["reason"]))


@extend_schema_view(
    list=extend_schema(summary="List targets",
                       description="Per-account deliveries, newest first.",
                       examples=[OpenApiExample("A target", value=ex.TARGET,
                                                response_only=True)]),
    retrieve=extend_schema(summary="Get a target",
                           examples=[OpenApiExample("A target", value=ex.TARGET,
                                                    response_only=True)]),
)
class TargetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgViewSet):
    serializer_class = TargetSerializer
    pagination_class = NewestFirstCursorPagination
    perms = {"list": "post.view", "retrieve": "post.view"}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PostTarget.objects.none()
        return (PostTarget.objects.for_org(self.organization)
                .filter(post__in=posts_visible_to(self.membership).values("pk"))
                .select_related("post").prefetch_related("attachments"))
