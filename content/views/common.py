from django.shortcuts import get_object_or_404

from content.models import Post
from content.selectors import posts_with_targets


def get_post(request, pk: int, *, full: bool = False) -> Post:
    """A post of the current organisation; another organisation's is a 404."""
    qs = posts_with_targets(request.organization) if full else \
        Post.objects.for_org(request.organization).select_related("organization", "author")
    return get_object_or_404(qs, pk=pk)


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"
