from django.contrib import admin

from content.models import (
    ApprovalStep,
    ClientReviewLink,
    Label,
    MediaAsset,
    Post,
    PostApproval,
    PostTarget,
    Snippet,
)


class PostTargetInline(admin.TabularInline):
    model = PostTarget
    extra = 0
    readonly_fields = ["status", "next_attempt_at", "attempts", "remote_id", "remote_url",
                       "published_at", "last_error"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organization", "status", "scheduled_at", "author"]
    list_filter = ["status"]
    readonly_fields = ["status", "version", "approval_round", "approved_content_hash"]
    inlines = [PostTargetInline]


@admin.register(MediaAsset)
class MediaAssetAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organization", "kind", "width", "height", "size"]


admin.site.register([Label, Snippet, ApprovalStep, PostApproval, ClientReviewLink])
