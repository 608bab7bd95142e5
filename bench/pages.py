"""p95 server time and query count of the login page and the organisation dashboard."""

from django.test import Client

from accounts.roles import Role
from bench._util import time_requests
from tests.factories import ConnectedAccountFactory, MembershipFactory, OrganizationFactory


def run() -> dict:
    org = OrganizationFactory(slug="bench", name="Bench")
    owner = MembershipFactory(organization=org, role=Role.OWNER).user
    for _ in range(50):
        MembershipFactory(organization=org, role=Role.EDITOR)
    for _ in range(20):
        ConnectedAccountFactory(organization=org)

    anonymous = Client()
    login = time_requests(anonymous, "/accounts/login/")
    client = Client()
    client.force_login(owner)
    dashboard = time_requests(client, "/o/bench/")
    return {
        "login_p95_ms": login["p95_ms"],
        "login_queries": login["queries"],
        "dashboard_p95_ms": dashboard["p95_ms"],
        "dashboard_queries": dashboard["queries"],
        "requests_each": 100,
    }
