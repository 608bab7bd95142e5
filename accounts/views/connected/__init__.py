"""Connected platform accounts: the accounts page, connect flows, management, member access."""
