"""The history engine: consecutive history records turned into field changes as a reader sees them."""

import datetime

import pytest

from accounts.models import Organisation, User
from core.history import Names, revisions, shown
from delivery.models import Action, ProgressUpdate
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ActionFactory

pytestmark = pytest.mark.django_db

EVERYONE = {User: lambda: User.objects.all(), Organisation: lambda: Organisation.objects.all()}


def field(model, name):
    return model._meta.get_field(name)


def changes_of(revision):
    return [(c.label, c.old.text, c.new.text) for c in revision.changes]


@pytest.fixture
def action():
    owner = MembershipFactory(user__first_name="Tom", user__last_name="Fletcher").user
    return ActionFactory(title="Knife crime sessions", owner=owner)


def newest_first(action, **options):
    return revisions(action.history.order_by("-history_id"), Names(EVERYONE), **options)


@pytest.mark.parametrize(
    ("model", "name", "value", "text"),
    [
        (Action, "status", "in_progress", "In progress"),
        (Action, "due_on", datetime.date(2026, 9, 30), "30 September 2026"),
        (Action, "completed_on", None, "Not set"),
        (Action, "description", "", "Not set"),
        (Action, "title", "Knife crime sessions", "Knife crime sessions"),
        (ProgressUpdate, "is_exceptional_performance", True, "Yes"),
        (ProgressUpdate, "is_exceptional_performance", False, "No"),
        # Stored in UTC, shown in London time (summer time here).
        (
            ProgressUpdate,
            "submitted_at",
            datetime.datetime(2026, 10, 5, 8, 30, tzinfo=datetime.UTC),
            "5 October 2026, 9:30a.m.",
        ),
    ],
)
def test_values_are_shown_in_words(model, name, value, text):
    assert shown(field(model, name), value, Names({})).text == text


def test_related_objects_are_shown_by_name_and_a_missing_one_as_deleted(action):
    names = Names(EVERYONE)
    owner = field(Action, "owner")
    names.want(User, action.owner_id)
    names.want(User, 999_999)

    assert shown(owner, action.owner_id, names).text == "Tom Fletcher"
    assert shown(owner, 999_999, names).text == "Deleted user (999999)"


def test_many_to_many_values_are_names_in_order_or_none(action):
    names = Names(EVERYONE)
    people = [
        MembershipFactory(user__first_name=first, user__last_name="Shah").user for first in ("Zara", "Priya")
    ]
    for person in people:
        names.want(User, person.pk)

    assert shown(field(Action, "delegates"), {p.pk for p in people}, names).text == "Priya Shah, Zara Shah"
    assert shown(field(Action, "delegates"), set(), names).text == "None"


def test_names_are_fetched_once_per_model_and_only_through_the_lookups(action, django_assert_num_queries):
    names = Names({User: lambda: User.objects.filter(pk=action.owner_id)})
    outsider = MembershipFactory().user
    names.want(User, action.owner_id)
    names.want(User, outsider.pk)
    names.want(Organisation, 1)  # no lookup: never fetched

    with django_assert_num_queries(1):
        owner = names.get(User, action.owner_id)
        assert names.get(User, outsider.pk) is None
        assert names.name(Organisation, 1) == "Deleted organisation (1)"
    assert owner == action.owner
    with django_assert_num_queries(0):
        names.want(User, outsider.pk)  # already asked for: not fetched again
        assert names.name(User, outsider.pk) == f"Deleted user ({outsider.pk})"


def test_each_record_is_compared_with_the_one_before_it_in_the_models_order(action):
    action.title = "Knife crime sessions in every school"
    action.status = Action.Status.IN_PROGRESS
    action.save()
    new_owner = MembershipFactory(user__first_name="Sam", user__last_name="Obi").user
    action.owner = new_owner
    action._change_reason = "Handed over"
    action.save()

    handed_over, renamed, created = newest_first(action)

    assert changes_of(handed_over) == [("lead officer", "Tom Fletcher", "Sam Obi")]
    assert (handed_over.reason, handed_over.event, handed_over.who) == (
        "Handed over",
        "changed",
        "the system",
    )
    assert changes_of(renamed) == [
        ("title", "Knife crime sessions", "Knife crime sessions in every school"),
        ("status", "Not started", "In progress"),
    ]
    assert (created.event, created.changes, created.is_earliest) == ("created", [], True)
    assert not renamed.is_earliest
    assert renamed.when == action.history.order_by("history_id")[1].history_date


def test_bookkeeping_and_excluded_fields_are_left_out_and_many_to_many_members_compared(action):
    delegate = MembershipFactory(user__first_name="Priya", user__last_name="Shah").user
    action.delegates.add(delegate)  # a record of its own, with only the delegates (and updated_at) changed
    action.save()  # only updated_at changes

    unchanged, delegated, _ = newest_first(action)
    without_delegates = newest_first(action, exclude=["delegates"])[1]

    assert changes_of(unchanged) == []
    assert changes_of(delegated) == [("delegates", "None", "Priya Shah")]
    assert changes_of(without_delegates) == []


def test_a_deletion_lists_no_fields_and_a_change_without_an_earlier_record_is_not_compared(action):
    action.title = "First rename"
    action.save()
    action.history.filter(history_type="+").delete()
    action.title = "Renamed"
    action.save()
    action_id = action.pk
    action.delete()

    deleted, renamed, first_rename = revisions(
        Action.history.filter(id=action_id).order_by("-history_id"), Names(EVERYONE)
    )

    assert (deleted.event, deleted.changes, deleted.compared) == ("deleted", [], True)
    assert changes_of(renamed) == [("title", "First rename", "Renamed")]
    assert (first_rename.event, first_rename.is_earliest, first_rename.compared) == ("changed", True, False)
    assert first_rename.changes == []


def test_the_queries_are_the_same_for_few_and_many_records(action, assert_same_queries):
    made = 0

    def make_rows(count):
        nonlocal made
        for i in range(made, count):
            action.title = f"Title {i}"
            action.owner = MembershipFactory(user__first_name=f"Owner {i}").user
            action.save()
            action.delegates.set([action.owner_id] if i % 2 else [])
        made = count

    def read(_):
        return [change for revision in newest_first(action) for change in changes_of(revision)]

    # The records, their previous records, one query per many-to-many field, the people named.
    few, many = assert_same_queries(make_rows, read, few=2, many=20, at_most=7)

    assert ("title", "Title 0", "Title 1") in few
    assert ("title", "Title 18", "Title 19") in many
    assert next(new for label, _, new in many if label == "delegates").startswith("Owner 19 ")
