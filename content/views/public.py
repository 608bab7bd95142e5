"""The client review page: no account, only a signed, expiring, revocable link."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.services.errors import ServiceError
from content.forms import ClientDecisionForm
from content.selectors import post_comments, posts_with_targets
from content.services.review_links import review_link_decide, review_link_resolve


@never_cache
def client_review(request, token: str):
    link = review_link_resolve(token)
    if link is None:
        return render(request, "content/client_review_invalid.html", status=404)
    post = posts_with_targets(link.post.organization).get(pk=link.post_id)
    form = ClientDecisionForm(request.POST or None,
                              initial={"name": link.reviewer_name})
    done = ""
    if request.method == "POST" and form.is_valid():
        try:
            review_link_decide(link=link, decision=form.cleaned_data["decision"],
                               comment=form.cleaned_data["comment"],
                               name=form.cleaned_data["name"])
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            done = _("Thank you. Your decision has been sent to the team.")
            post.refresh_from_db()
    return render(request, "content/client_review.html", {
        "post": post, "link": link, "form": form, "done": done,
        "comments": post_comments(post), "targets": list(post.targets.all()),
    }, status=400 if form.errors else 200)
