from django.shortcuts import get_object_or_404

from content.models import Post
from content.selectors import posts_visible_to, posts_with_targets


def get_post(request, pk: int, *, full: bool = False) -> Post:
    """A post of the current organisation the member may see; else (another organisation's,
    or one going only to accounts the member may not use) a 404."""
    qs = posts_with_targets(request.organization) if full else \
        Post.objects.for_org(request.organization).select_related("organization", "author")
    return get_object_or_404(posts_visible_to(request.membership, qs), pk=pk)


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"
