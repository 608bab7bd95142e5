from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.selectors import accounts_for_member
from accounts.tenancy import org_view
from analytics.selectors.hashtags import own_best_hashtags, tags_in, trending_hashtags
from inbox.selectors import member_account_scope


@org_view("post.edit")
@require_GET
def hashtag_ideas(request):
    """The composer's hashtag ideas for the chosen accounts (htmx fragment)."""
    visible = [a.pk for a in accounts_for_member(request.membership)]
    chosen = {int(v) for v in request.GET.getlist("accounts") if v.isdigit()} & set(visible)
    exclude = frozenset(tags_in(request.GET.get("text", "")[:10000]))
    org = request.organization
    return render(request, "analytics/_hashtag_ideas.html", {
        "own": own_best_hashtags(org, sorted(chosen or visible), exclude=exclude),
        "trending": trending_hashtags(org, member_account_scope(request.membership),
                                      exclude=exclude),
    })
