"""Pages outside any organisation: start page, new organisation, invitations, preferences."""

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import OrganizationCreateForm, PreferencesForm
from accounts.models import Membership
from accounts.services import (
    ServiceError,
    invitation_accept,
    invitation_for_token,
    organization_create,
)

LAST_ORG_SESSION_KEY = "socialmgr.last_org"


@login_required
def home(request):
    """Send people to the organisation they used last, or to creating their first one."""
    memberships = Membership.objects.filter(user=request.user).select_related("organization")
    slugs = [m.organization.slug for m in memberships]
    if not slugs:
        return redirect("organization_create")
    last = request.session.get(LAST_ORG_SESSION_KEY)
    return redirect("dashboard", org_slug=last if last in slugs else slugs[0])


@login_required
def organization_create_view(request):
    form = OrganizationCreateForm(
        request.POST or None,
        initial={"language": translation.get_language() or "en", "timezone": "UTC"},
    )
    if request.method == "POST" and form.is_valid():
        org = organization_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Welcome to %(org)s.") % {"org": org.name})
        return redirect("dashboard", org_slug=org.slug)
    return render(request, "accounts/organization_create.html", {"form": form})


def invitation_accept_view(request, token):
    try:
        invitation = invitation_for_token(token)
    except ServiceError as error:
        return render(request, "accounts/invitation_invalid.html", {"error": error.message},
                      status=410 if error.code in ("expired", "revoked", "accepted") else 404)

    if not request.user.is_authenticated:
        # Whoever holds the emailed link controls that inbox: let allauth treat the
        # address as verified when they sign up with it.
        get_adapter(request).stash_verified_email(request, invitation.email)
        request.session["socialmgr.invitation_email"] = invitation.email
        return render(request, "accounts/invitation_anonymous.html", {
            "invitation": invitation,
            "next": request.get_full_path(),
        })

    if request.method == "POST":
        try:
            membership = invitation_accept(invitation=invitation, user=request.user,
                                           request=request)
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect(request.get_full_path())
        messages.success(request, _("You joined %(org)s.") % {"org": membership.organization})
        return redirect("dashboard", org_slug=membership.organization.slug)
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation})


@login_required
def preferences_view(request):
    user = request.user
    form = PreferencesForm(request.POST or None, initial={
        "first_name": user.first_name, "last_name": user.last_name,
        "language": user.language, "timezone": user.timezone,
    })
    if request.method == "POST" and form.is_valid():
        for field, value in form.cleaned_data.items():
            setattr(user, field, value)
        user.save(update_fields=list(form.cleaned_data))
        lang = user.language or translation.get_language_from_request(request)
        translation.activate(lang)
        messages.success(request, _("Your preferences were saved."))
        response = redirect("preferences")
        _set_language_cookie(response, user.language)
        return response
    return render(request, "accounts/preferences.html", {"form": form})


@require_POST
def set_language_view(request):
    """The language picker: saved on the user when signed in, in a cookie always."""
    from django.conf import settings

    lang = request.POST.get("language", "")
    if lang not in dict(settings.LANGUAGES):
        lang = ""
    if request.user.is_authenticated:
        request.user.language = lang
        request.user.save(update_fields=["language"])
    target = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("home")
    response = HttpResponseRedirect(target)
    _set_language_cookie(response, lang)
    return response


def _set_language_cookie(response, lang: str) -> None:
    from django.conf import settings

    if lang:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, lang, max_age=365 * 24 * 3600,
                            samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
