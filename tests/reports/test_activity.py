"""Who changed what and when: the partnership's activity page for administrators."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse

from accounts.models import Membership
from core.ratings import Rating
from delivery.models import Action
from reports.activity import ActivityPage, activity_for
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import (
    ActionFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
)
from tests.meetings.factories import BoardActionFactory, MeetingFactory
from tests.priorities.factories import PriorityFactory, StrategicAmbitionFactory

pytestmark = pytest.mark.django_db

LONDON = datetime.timezone(datetime.timedelta(hours=1))  # British Summer Time


def at(day, hour=10, minute=0):
    """A moment on a day of October 2026, in London's summer time."""
    return datetime.datetime(2026, 10, day, hour, minute, tzinfo=LONDON)


def save(obj, *, by=None, when=None, reason=None):
    """Save a change as made by a person (at a moment), as the history middleware would record it."""
    obj._history_user = by
    if when:
        obj._history_date = when
    if reason:
        obj._change_reason = reason
    obj.save()
    for attribute in ("_history_user", "_history_date", "_change_reason"):
        obj.__dict__.pop(attribute, None)


def activity_url(partnership):
    return reverse("reports:activity", kwargs={"slug": partnership.slug})


def text_of(html):
    """The page's text with tags removed and spaces collapsed, for reading sentences across markup."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def action():
    """Action 1.2.3 Knife crime sessions, owned by Tom Fletcher."""
    priority = PriorityFactory(order=1, title="Prevention")
    ambition = StrategicAmbitionFactory(priority=priority, order=2, title="Reduce serious violence")
    owner = MembershipFactory(
        partnership=priority.strategy.partnership, user__first_name="Tom", user__last_name="Fletcher"
    ).user
    return ActionFactory(ambition=ambition, order=3, title="Knife crime sessions", owner=owner)


@pytest.fixture
def partnership(action):
    return action.partnership


@pytest.fixture
def admin(partnership):
    return MembershipFactory(
        partnership=partnership,
        role=Membership.Role.ADMINISTRATOR,
        user__first_name="Amira",
        user__last_name="Khan",
    ).user


def entries_of(partnership, **filters):
    return activity_for(partnership=partnership, **filters).entries


def one(entries, what, event):
    """The single entry about a thing and what happened to it."""
    found = [e for e in entries if e.what == what and e.event == event]
    assert len(found) == 1, [(e.what, e.event) for e in entries]
    return found[0]


def test_changes_of_several_kinds_say_who_what_when_and_which_fields_changed(client, action, admin):
    partnership = action.partnership
    tom = action.owner
    period = ReportingPeriodFactory(partnership=partnership, name="Q2 2026/27")
    spare = ReportingPeriodFactory(partnership=partnership, name="Q1 2027/28")
    membership = Membership.objects.get(user=tom, partnership=partnership)
    update = ProgressUpdateFactory(action=action, period=period, narrative="Sessions booked.")

    action.title = "Knife crime sessions in every school"
    action.status = Action.Status.IN_PROGRESS
    save(action, by=admin, when=at(5, 9, 30))
    membership.role = Membership.Role.ADMINISTRATOR
    save(membership, by=admin, when=at(6))
    update.narrative = "Sessions delivered in six schools. " * 10
    update.rating = Rating.AMBER
    update.mitigation = "Extra officer time"
    save(update, by=tom, when=at(7))
    spare._history_user = admin
    spare.delete()

    entries = entries_of(partnership)

    action_change = one(entries, "Action 1.2.3 Knife crime sessions in every school", "changed")
    assert (action_change.who, action_change.when) == ("Amira Khan", at(5, 9, 30))
    assert action_change.url == reverse(
        "delivery:action_detail", kwargs={"slug": partnership.slug, "pk": action.pk}
    )
    assert [(c.label, c.old.text, c.new.text) for c in action_change.changes] == [
        ("title", "Knife crime sessions", "Knife crime sessions in every school"),
        ("status", "Not started", "In progress"),
    ]
    membership_change = one(entries, "Membership of Tom Fletcher", "changed")
    assert membership_change.who == "Amira Khan"
    assert [(c.label, c.old.text, c.new.text) for c in membership_change.changes] == [
        ("role", "Officer", "Partnership administrator")
    ]
    update_change = one(
        entries,
        "Progress update for Q2 2026/27 on action 1.2.3 Knife crime sessions in every school",
        "changed",
    )
    assert (update_change.who, update_change.when) == ("Tom Fletcher", at(7))
    assert update_change.url == action_change.url
    assert [(c.label, c.old.text, c.new.text) for c in update_change.changes] == [
        ("status rating", "Green", "Amber"),
        ("progress", "Sessions booked.", "Sessions delivered in six schools. " * 10),
        ("mitigation or corrective action", "Not set", "Extra officer time"),
    ]
    assert update_change.changes[1].new.is_long
    deleted = one(entries, "Reporting period Q1 2027/28", "deleted")
    assert (deleted.who, deleted.url) == ("Amira Khan", None)
    created = one(entries, "Reporting period Q2 2026/27", "created")
    assert (created.who, created.changes) == ("the system", [])
    assert created.url == f"/p/{partnership.slug}/periods/{period.pk}/"  # a stable route (DESIGN.md)

    client.force_login(admin)
    response = client.get(activity_url(partnership))
    html = response.content.decode()
    text = text_of(html)

    assert response.status_code == 200
    assert "5 Oct 2026, 9:30a.m. Amira Khan Action 1.2.3 Knife crime sessions in every school Changed" in text
    assert "Title changed from : “Knife crime sessions” → to “Knife crime sessions in every school”" in text
    assert "Role changed from : “Officer” → to “Partnership administrator”" in text
    assert "The system Reporting period Q2 2026/27 Created" in text
    assert "Amira Khan Reporting period Q1 2027/28 Deleted" in text
    # The long narrative is cut short in the list, with the whole text in a details component.
    assert "Full text of the progress before and after" in text
    assert '<details class="govuk-details' in html
    assert ("Sessions delivered in six schools. " * 10).strip() in text
    assert f'<a class="govuk-link" href="{action_change.url}">Action 1.2.3' in html


def test_deleted_records_and_change_reasons_are_shown(client, action, admin):
    partnership = action.partnership
    milestone = MilestoneFactory(action=action, title="Leaflets printed")
    action.status = Action.Status.COMPLETED
    action.completed_on = datetime.date(2026, 9, 30)
    save(action, by=admin, reason="Progress update for Q2 2026/27")
    milestone._history_user = admin
    milestone.delete()

    entries = entries_of(partnership)

    deleted = one(entries, "Milestone Leaflets printed (action 1.2.3)", "deleted")
    assert deleted.who == "Amira Khan"
    assert deleted.url == reverse(
        "delivery:action_detail", kwargs={"slug": partnership.slug, "pk": action.pk}
    )
    completed = one(entries, "Action 1.2.3 Knife crime sessions", "changed")
    assert completed.reason == "Progress update for Q2 2026/27"
    assert [(c.label, c.new.text) for c in completed.changes] == [
        ("status", "Completed"),
        ("date completed", "30 September 2026"),
    ]
    client.force_login(admin)
    text = text_of(client.get(activity_url(partnership)).content.decode())
    assert "Reason: Progress update for Q2 2026/27" in text


def test_delegates_and_partners_and_foreign_keys_are_shown_by_name(action, admin):
    partnership = action.partnership
    delegate = MembershipFactory(
        partnership=partnership, user__first_name="Priya", user__last_name="Shah"
    ).user
    new_owner = MembershipFactory(partnership=partnership, user__first_name="Sam", user__last_name="Obi").user
    action._history_user = admin
    action.delegates.add(delegate)
    action.owner = new_owner
    save(action, by=admin)

    owner_change, delegate_change = entries_of(partnership, kinds=["action"])[:2]

    assert [(c.label, c.old.text, c.new.text) for c in owner_change.changes] == [
        ("lead officer", "Tom Fletcher", "Sam Obi")
    ]
    assert [(c.label, c.old.text, c.new.text) for c in delegate_change.changes] == [
        ("delegates", "None", "Priya Shah")
    ]


def test_another_partnerships_changes_never_appear(client, action, admin):
    theirs = ActionFactory(title="Their secret action")
    their_partnership = theirs.partnership
    ReportingPeriodFactory(partnership=their_partnership, name="Secret period")
    MilestoneFactory(action=theirs, title="Secret milestone")
    ProgressUpdateFactory(action=theirs)
    BoardActionFactory(
        meeting=MeetingFactory(partnership=their_partnership), description="Secret board action"
    )
    MembershipFactory(partnership=their_partnership, user__first_name="Secret", user__last_name="Agent")
    theirs.title = "Their secret action renamed"
    theirs.save()
    ours = entries_of(action.partnership)
    client.force_login(admin)

    html = client.get(activity_url(action.partnership)).content.decode()

    assert ours
    assert "secret" not in html.lower()
    assert not any("secret" in e.what.lower() for e in ours)
    assert client.get(activity_url(their_partnership)).status_code == 404


def test_changes_under_a_deleted_parent_are_still_listed(action, admin):
    """An action's history, and its milestones', stay in the list after its ambition is deleted."""
    partnership = action.partnership
    ambition = action.ambition
    MilestoneFactory(action=action, title="Leaflets printed")
    action.title = "Knife crime sessions, renamed"
    save(action, by=admin)
    ambition.delete()

    entries = entries_of(partnership, kinds=["action"])

    assert [e.event for e in entries] == ["deleted", "changed", "created"]
    assert entries[1].what == "Action Knife crime sessions, renamed"  # no reference: the ambition is gone
    assert entries[1].url is None
    assert any(e.what.startswith("Strategic ambition") for e in entries_of(partnership, kinds=["ambition"]))
    assert [(e.what, e.event) for e in entries_of(partnership, kinds=["milestone"])] == [
        ("Milestone Leaflets printed", "deleted"),
        ("Milestone Leaflets printed", "created"),
    ]


@pytest.fixture
def busy(action, admin):
    """Sixty changes to the action by the administrator on 1 to 3 October, and one by Tom on the 20th."""
    for i in range(60):
        action.title = f"Knife crime sessions, version {i}"
        save(action, by=admin, when=at(1 + i // 20, 9, i % 20))
    action.title = "Knife crime sessions, by Tom"
    save(action, by=action.owner, when=at(20))
    return action


def test_filter_by_kind(client, busy, admin):
    partnership = busy.partnership
    ReportingPeriodFactory(partnership=partnership, name="Q3 2026/27")

    periods = entries_of(partnership, kinds=["reporting_period"])
    actions = activity_for(partnership=partnership, kinds=["action"])

    assert [e.what for e in periods] == ["Reporting period Q3 2026/27"]
    assert actions.count == 62  # created, sixty changes and Tom's
    assert {e.kind for e in actions.entries} == {"action"}
    client.force_login(admin)
    text = text_of(client.get(activity_url(partnership), {"kind": "reporting_period"}).content.decode())
    assert "1 change " in text
    assert "Reporting period Q3 2026/27" in text


def test_filter_by_person(client, busy, admin):
    partnership = busy.partnership

    toms = entries_of(partnership, user_id=busy.owner.pk)

    assert [e.changes[0].new.text for e in toms] == ["Knife crime sessions, by Tom"]
    client.force_login(admin)
    text = text_of(client.get(activity_url(partnership), {"person": busy.owner.pk}).content.decode())
    assert "1 change " in text


def test_filter_by_dates_counts_whole_local_days(client, busy, admin):
    partnership = busy.partnership

    period = ReportingPeriodFactory(partnership=partnership)
    period.name = "Renamed just after midnight"
    save(period, by=admin, when=at(11, 0, 30))  # 23:30 on the 10th in UTC, the 11th in London
    midnight_local = activity_for(
        partnership=partnership, date_from=datetime.date(2026, 10, 11), date_to=datetime.date(2026, 10, 11)
    )
    second_day = activity_for(
        partnership=partnership, date_from=datetime.date(2026, 10, 2), date_to=datetime.date(2026, 10, 2)
    )
    third_to_twentieth = activity_for(
        partnership=partnership, date_from=datetime.date(2026, 10, 3), date_to=datetime.date(2026, 10, 20)
    )

    assert second_day.count == 20
    assert midnight_local.count == 1
    assert {e.when.date() for e in second_day.entries} == {datetime.date(2026, 10, 2)}
    assert third_to_twentieth.count == 22  # the third's twenty, the period on the 11th, Tom's on the 20th
    client.force_login(admin)
    response = client.get(activity_url(partnership), {"date_from": "2026-10-02", "date_to": "2026-10-02"})
    assert "20 changes" in text_of(response.content.decode())


def test_pages_hold_fifty_newest_first_and_links_keep_the_filters(client, busy, admin):
    partnership = busy.partnership
    client.force_login(admin)
    filters = {"kind": "action", "person": admin.pk, "date_from": "2026-10-01", "date_to": "2026-10-31"}

    first = client.get(activity_url(partnership), filters).content.decode()

    assert "60 changes, showing 1 to 50" in text_of(first)
    assert first.count('<tr class="govuk-table__row" id="change-') == 50
    assert first.index("Knife crime sessions, version 59</a>") < first.index(
        "Knife crime sessions, version 58</a>"
    )
    next_link = unescape(
        re.search(r'<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next"', first)[1]
    )
    for key, value in filters.items():
        assert f"{key}={value}" in next_link
    assert "page=2" in next_link

    second = client.get(activity_url(partnership) + next_link).content.decode()

    assert "60 changes, showing 51 to 60" in text_of(second)
    assert second.count('<tr class="govuk-table__row" id="change-') == 10
    assert "version 9”" in second
    assert "version 10”" not in second
    assert "<title>Activity, page 2 of 2" in second


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-02-31"}, "The ‘from’ date must be a real date"),
        ({"date_to": "yesterday"}, "The ‘to’ date must be a real date"),
        ({"date_from": "2026-10-05", "date_to": "2026-10-01"}, "The ‘to’ date must be the same as or after"),
        ({"kind": "secrets"}, "Choose from the kinds of thing listed"),
        ({"person": "999999"}, "Choose a member of this partnership"),
        ({"person": "not-a-number"}, "Choose a member of this partnership"),
    ],
)
def test_bad_filters_show_an_error_not_a_500(client, action, admin, params, message):
    client.force_login(admin)

    response = client.get(activity_url(action.partnership), params)

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "<title>Error: Activity" in html
    assert "govuk-error-summary" in html
    assert message in html
    assert "Correct the filters to see the changes." in html


def test_a_person_of_another_partnership_is_not_a_choice(client, action, admin):
    outsider = MembershipFactory().user
    client.force_login(admin)

    response = client.get(activity_url(action.partnership), {"person": outsider.pk})

    assert "Choose a member of this partnership" in unescape(response.content.decode())


@pytest.mark.parametrize("page", ["abc", "-3", "0", "999"])
def test_an_odd_page_number_gives_a_page_not_an_error(client, action, admin, page):
    client.force_login(admin)

    response = client.get(activity_url(action.partnership), {"page": page})

    assert response.status_code == 200
    assert "Knife crime sessions" in response.content.decode()


def test_long_runs_of_pages_are_shortened_around_the_current_page():
    page = ActivityPage(entries=[], number=5, count=500)

    assert page.page_numbers == [1, None, 4, 5, 6, None, 10]
    assert ActivityPage(entries=[], number=1, count=0).page_numbers == [1]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Membership.Role.ADMINISTRATOR, 200),
        (Membership.Role.OFFICER, 403),
        (Membership.Role.BOARD_MEMBER, 403),
    ],
)
def test_only_administrators_see_the_activity(client, partnership, role, status):
    client.force_login(MembershipFactory(partnership=partnership, role=role).user)

    assert client.get(activity_url(partnership)).status_code == status


def test_an_inactive_administrator_or_an_outsider_gets_404(client, partnership):
    inactive = MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR, is_active=False)
    outsider = MembershipFactory(role=Membership.Role.ADMINISTRATOR)

    for user in (inactive.user, outsider.user):
        client.force_login(user)
        response = client.get(activity_url(partnership))
        assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, partnership):
    response = client.get(activity_url(partnership))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def make_changes(action, admin, count):
    """Changes to actions (with their partners), milestones, progress updates, periods and memberships."""
    partnership = action.partnership
    period = ReportingPeriodFactory(partnership=partnership)
    milestone = MilestoneFactory(action=action)
    update = ProgressUpdateFactory(action=action, period=period)
    membership = Membership.objects.get(user=action.owner, partnership=partnership)
    changes = [
        (action, "title"),
        (milestone, "title"),
        (update, "narrative"),
        (period, "name"),
        (membership, "job_title"),
    ]
    for i in range(count):
        obj, field = changes[i % len(changes)]
        setattr(obj, field, f"Change {i} to {obj._meta.verbose_name} {obj.pk}")
        save(obj, by=admin)
        if obj is action:
            action._history_user = admin
            action.partner_organisations.set(
                [] if action.partner_organisations.exists() else [membership.organisation]
            )


CHANGED_KINDS = {"kind": ["action", "milestone", "progress_update", "reporting_period", "membership"]}


def test_the_number_of_queries_is_the_same_for_5_and_60_changes(client, action, admin, assert_same_queries):
    client.force_login(admin)
    made = 0

    def make_rows(count):
        nonlocal made
        make_changes(action, admin, count - made)
        made = count

    # The user (the session is read from the cache), the second factor's device, membership,
    # permission, the navigation's updates due, the people to filter by, the union's count and page, per
    # kind its records and their previous records, the action's snapshots (delegates and partners, in
    # one query), one query per model named: ambitions, actions, periods, people, memberships and
    # organisations; and the session's last activity saved (a savepoint, the update, its release).
    few, many = assert_same_queries(
        make_rows,
        lambda _: client.get(activity_url(action.partnership), CHANGED_KINDS),
        few=5,
        many=60,
        at_most=1 + 1 + 1 + 1 + 2 + 1 + 2 + 2 * 5 + 1 + 6 + 3,
    )

    assert few.status_code == many.status_code == 200
    assert "Change 4 to membership" in few.content.decode()
    html = many.content.decode()
    assert "Change 54 to membership" in html
    assert html.count('<tr class="govuk-table__row" id="change-') == 50


def test_the_filters_are_shown_as_chosen(client, action, admin):
    client.force_login(admin)

    html = client.get(
        activity_url(action.partnership), {"kind": ["action", "milestone"], "date_from": "2026-10-01"}
    ).content.decode()

    checked = re.findall(r'value="(\w+)"\s+checked', html)
    assert checked == ["action", "milestone"]
    assert 'type="date" name="date_from" value="2026-10-01"' in html
    assert re.search(r'<label for="id_date_from" class="govuk-label">\s*From\s*</label>', html)
    assert re.search(r'<label for="id_date_to" class="govuk-label">\s*To\s*</label>', html)


def test_a_plan_is_named_in_its_own_words_with_no_unseen_level(admin):
    """A two-level plan's actions are numbered 1.3, its unseen ambition named as its priority."""
    priority = PriorityFactory(
        order=2,
        title="Reduce reoffending",
        strategy__levels=2,
        strategy__priority_word="Aim",
        strategy__action_word="Deliverable",
        strategy__partnership=admin.memberships.get().partnership,
    )
    ambition = StrategicAmbitionFactory(priority=priority, order=1, title="Reduce reoffending")
    ActionFactory(ambition=ambition, order=3, title="Diversion scheme")
    ActionFactory(ambition=ambition, order=4, title="Housing pathway", published_reference="RR-4")

    entries = entries_of(priority.strategy.partnership, kinds=["priority", "ambition", "action"])

    named = {e.what for e in entries}
    assert {
        "Aim 2. Reduce reoffending",
        "Deliverable 2.3 Diversion scheme",
        "Deliverable RR-4 Housing pathway",
    } <= named
    assert not any(what.startswith("Strategic ambition 2.1") for what in named)
