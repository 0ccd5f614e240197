"""Changing an action's details and its people together writes one history record, not one per part."""

import pytest

from core.conflicts import version_of
from delivery.services.actions import action_update
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ActionFactory

pytestmark = pytest.mark.django_db


def test_owner_and_delegates_changed_together_make_one_record_with_both():
    action = ActionFactory()
    helper, new_owner = (MembershipFactory(partnership=action.partnership).user for _ in range(2))
    action.delegates.add(helper, new_owner)
    before = action.history.count()

    action_update(
        action=action,
        data={"owner": new_owner, "delegates": [helper]},
        version=version_of(action),
        reason="Handed over",
    )

    assert action.history.count() == before + 1
    record = action.history.first()
    assert record.owner_id == new_owner.pk
    assert [d.user_id for d in record.delegates.all()] == [helper.pk]
    assert record.history_change_reason == "Handed over"
