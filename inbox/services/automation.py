"""Automation rules: applied in order to every new item, and recorded on it."""

from __future__ import annotations

from django.utils import timezone

from inbox.models import AutomationRule, InboxItem, ItemStatus

CHANGED_FIELDS = ["assignee", "labels", "urgent", "status", "done_at", "applied_rules"]


def rule_matches(rule: AutomationRule, item: InboxItem) -> bool:
    if rule.match_account_id and rule.match_account_id != item.account_id:
        return False
    if rule.match_platform and rule.match_platform != item.account.provider:
        return False
    if rule.match_kind and rule.match_kind != item.kind:
        return False
    if rule.match_author and (rule.match_author.lstrip("@").lower()
                              != item.author_handle.lstrip("@").lower()):
        return False
    keywords = rule.keywords
    return not keywords or any(k in item.text.lower() for k in keywords)


def _apply(rule: AutomationRule, item: InboxItem) -> list[str]:
    actions = []
    if rule.assign_to_id:
        item.assignee_id = rule.assign_to_id
        actions.append("assign")
    if rule.add_label and rule.add_label not in item.labels:
        item.labels = [*item.labels, rule.add_label]
        actions.append("label")
    if rule.flag_urgent:
        item.urgent = True
        actions.append("urgent")
    if rule.mark_done and item.status != ItemStatus.DONE:
        item.status = ItemStatus.DONE
        item.done_at = timezone.now()
        actions.append("done")
    return actions


def active_rules(organization_id: int) -> list[AutomationRule]:
    return list(AutomationRule.objects.filter(organization_id=organization_id, enabled=True)
                .order_by("position", "id"))


def rules_evaluate(rules: list[AutomationRule], items: list[InboxItem]) -> list[InboxItem]:
    """Apply `rules` in order to `items` in memory (nothing is saved); the items changed.

    Ingestion runs this on new items before their INSERT, so a rule costs no extra statement.
    """
    changed = []
    for item in items:
        for rule in rules:
            if not rule_matches(rule, item):
                continue
            actions = _apply(rule, item)
            item.applied_rules = [*item.applied_rules,
                                  {"id": rule.pk, "name": rule.name, "actions": actions}]
            if rule.stop_here:
                break
        if item.applied_rules:
            changed.append(item)
    return changed


def inbox_rules_apply(*, organization_id: int, items: list[InboxItem]) -> int:
    """Run the organisation's active rules over stored `items` and save what they changed;
    returns how many items changed."""
    rules = active_rules(organization_id) if items else []
    if not rules:
        return 0
    changed = rules_evaluate(rules, items)
    if changed:
        InboxItem.objects.bulk_update(changed, CHANGED_FIELDS, batch_size=500)
    return len(changed)
