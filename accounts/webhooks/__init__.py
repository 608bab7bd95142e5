"""Inbound platform webhooks: signature checks, parsing, and handing events to the inbox."""
