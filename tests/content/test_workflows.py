import pytest

from content.workflows import POST, TARGET, delivery_status


@pytest.mark.parametrize("machine", [POST, TARGET], ids=lambda m: m.name)
def test_state_machine_declaration_is_consistent(machine):
    names = machine.names
    assert machine.initial in names
    assert machine.terminal <= names
    assert set(machine.transitions) == names, "every state declares its exits"
    for source, targets in machine.transitions.items():
        assert targets <= names, f"{source} leads to an unknown state"
    for state in machine.terminal:
        assert not machine.transitions[state], f"terminal {state} must have no exits"
    # every state is reachable from the initial one
    seen, todo = {machine.initial}, [machine.initial]
    while todo:
        for nxt in machine.transitions[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    assert seen == names
    # every non-terminal state can still end
    for state in names - machine.terminal:
        assert machine.transitions[state], f"{state} is a dead end"


def test_post_workflow_key_paths():
    assert POST.allows("draft", "pending_approval")
    assert POST.allows("pending_approval", "approved")
    assert POST.allows("approved", "scheduled")
    assert POST.allows("draft", "scheduled")  # no approval required / approver
    assert not POST.allows("pending_approval", "scheduled")
    assert not POST.allows("changes_requested", "scheduled")
    assert not POST.allows("cancelled", "scheduled")
    assert not POST.allows("draft", "approved")


def test_target_pipeline_key_paths():
    assert TARGET.allows("scheduled", "publishing")
    assert TARGET.allows("publishing", "published")
    assert TARGET.allows("publishing", "unconfirmed")
    assert not TARGET.allows("published", "scheduled")
    assert not TARGET.allows("pending", "publishing")


@pytest.mark.parametrize("states, expected", [
    ([], ""),
    (["scheduled", "scheduled"], ""),
    (["publishing", "scheduled"], "publishing"),
    (["published", "published"], "published"),
    (["published", "failed"], "partially_failed"),
    (["failed", "failed"], "failed"),
    (["published", "cancelled"], "published"),
    (["published", "scheduled"], "publishing"),
])
def test_delivery_status_is_derived_from_targets(states, expected):
    assert delivery_status(states) == expected
