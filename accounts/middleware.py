from django.utils import timezone, translation


class UserPreferencesMiddleware:
    """Apply the signed-in user's saved language and time zone.

    Runs after LocaleMiddleware (which picks from the cookie or the browser), so a
    saved choice wins and an empty one keeps the browser's language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            if user.timezone:
                timezone.activate(user.timezone)
            else:
                timezone.deactivate()
        return self.get_response(request)
