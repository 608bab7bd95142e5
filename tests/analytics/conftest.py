import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from analytics.selectors.period import Period
from analytics.selectors.scope import Scope
from tests.factories import ConnectedAccountFactory

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def account(org):
    return ConnectedAccountFactory(organization=org, provider="sandbox")


@pytest.fixture
def scope_for(org):
    def make(first: dt.date, last: dt.date, accounts):
        return Scope(organization=org, accounts=tuple(accounts),
                     period=Period(first=first, last=last, tz=ZoneInfo(org.timezone)))

    return make
