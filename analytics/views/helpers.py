from __future__ import annotations

from zoneinfo import ZoneInfo

from accounts.selectors import accounts_for_member
from analytics.forms import DashboardFilterForm
from analytics.selectors.scope import Scope


def scope_from_request(request) -> tuple[DashboardFilterForm, Scope, list]:
    """The filter form (bound to the query string) and the scope it selects.

    Only accounts the member may see are offered or used; an account id from another
    organisation or a restricted one is simply not a valid choice.
    """
    visible = list(accounts_for_member(request.membership))
    form = DashboardFilterForm(request.GET or None, accounts_qs=accounts_for_member(
        request.membership))
    tz = ZoneInfo(request.organization.timezone)
    if form.is_bound:
        form.is_valid()
    scope = Scope(organization=request.organization,
                  accounts=tuple(form.selected_accounts(visible)),
                  period=form.period(tz))
    return form, scope, visible
