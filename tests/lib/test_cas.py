"""The one compare-and-set state write (lib.cas) every state machine uses."""

from __future__ import annotations

import pytest
from django.db.models import Value
from django.utils import timezone

from accounts.models import AccountStatus, ConnectedAccount
from lib.cas import compare_and_set
from tests.factories import ConnectedAccountFactory

pytestmark = pytest.mark.django_db


def test_moves_the_row_and_the_object_with_the_extra_fields():
    account = ConnectedAccountFactory(status=AccountStatus.ACTIVE)
    assert compare_and_set(account, expected=AccountStatus.ACTIVE,
                           to=AccountStatus.NEEDS_RECONNECT, last_error="token revoked")
    assert account.status == AccountStatus.NEEDS_RECONNECT
    assert account.last_error == "token revoked"
    row = ConnectedAccount.objects.get(pk=account.pk)
    assert (row.status, row.last_error) == (AccountStatus.NEEDS_RECONNECT, "token revoked")


def test_a_change_that_came_first_wins_and_nothing_is_written():
    account = ConnectedAccountFactory(status=AccountStatus.ACTIVE)
    stale = ConnectedAccount.objects.get(pk=account.pk)
    assert compare_and_set(account, expected=AccountStatus.ACTIVE, to=AccountStatus.DISABLED)
    assert not compare_and_set(stale, expected=AccountStatus.ACTIVE,
                               to=AccountStatus.NEEDS_RECONNECT, last_error="late")
    assert stale.status == AccountStatus.ACTIVE and stale.last_error == ""
    row = ConnectedAccount.objects.get(pk=account.pk)
    assert (row.status, row.last_error) == (AccountStatus.DISABLED, "")


def test_several_expected_states_and_further_conditions():
    account = ConnectedAccountFactory(status=AccountStatus.NEEDS_RECONNECT)
    expected = {AccountStatus.ACTIVE, AccountStatus.NEEDS_RECONNECT}
    ConnectedAccount.objects.filter(pk=account.pk).update(disconnected_at=timezone.now())
    assert not compare_and_set(account, expected=expected, to=AccountStatus.DISABLED,
                               where={"disconnected_at__isnull": True})
    ConnectedAccount.objects.filter(pk=account.pk).update(disconnected_at=None)
    assert compare_and_set(account, expected=expected, to=AccountStatus.DISABLED,
                           where={"disconnected_at__isnull": True})
    assert ConnectedAccount.objects.get(pk=account.pk).status == AccountStatus.DISABLED


def test_an_expression_is_written_but_not_copied_onto_the_object():
    account = ConnectedAccountFactory(status=AccountStatus.ACTIVE, last_error="")
    assert compare_and_set(account, expected=AccountStatus.ACTIVE, to=AccountStatus.DISABLED,
                           last_error=Value("from the database"))
    assert account.last_error == ""
    assert ConnectedAccount.objects.get(pk=account.pk).last_error == "from the database"
