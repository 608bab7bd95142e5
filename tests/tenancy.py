"""The tenancy sweep: every organisation-scoped URL, walked for outsiders and weak roles.

Any view added under /o/<org_slug>/ is covered the day it is added: it must be
wrapped by `accounts.tenancy.org_view`, an outsider must get 404, and a member
whose role lacks the view's permission must get 403 or 404.
"""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

ORG_PREFIX = "o/<slug:org_slug>/"


@dataclass
class OrgRoute:
    name: str
    route: str
    view: object

    @property
    def perm(self) -> str | None:
        return getattr(self.view, "org_perm", None)

    def url(self, org_slug: str) -> str:
        path = "/" + self.route.replace("<slug:org_slug>", org_slug)
        # Fill the remaining converters with values no object will have: the org check
        # and the role check both come before any object lookup.
        replacements = {
            "<int:": "987654321", "<uuid:": "00000000-0000-0000-0000-000000000000",
            "<str:": "nothing", "<slug:": "nothing", "<path:": "nothing",
        }
        while "<" in path:
            start = path.index("<")
            end = path.index(">", start)
            token = path[start:end + 1]
            value = next((v for k, v in replacements.items() if token.startswith(k)), "nothing")
            path = path[:start] + value + path[end + 1:]
        return path


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def org_routes() -> list[OrgRoute]:
    routes = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(ORG_PREFIX):
            routes.append(OrgRoute(name=pattern.name or route, route=route,
                                   view=pattern.callback))
    return routes
