"""A partnership's pages are for its own members: anyone else gets 404, never the title."""

import pytest
from django.urls import reverse

from tests.accounts.factories import MembershipFactory
from tests.meetings.factories import MeetingFactory
from tests.priorities.factories import StrategyFactory


@pytest.fixture
def two_partnerships(db):
    ours = StrategyFactory(title="Our strategy")
    theirs = StrategyFactory(title="Their secret strategy")
    return ours, theirs


def pages_of(strategy, slug=None):
    slug = slug or strategy.partnership.slug
    meeting = MeetingFactory(partnership=strategy.partnership, title="Their secret meeting")
    return [
        reverse("priorities:strategy_list", kwargs={"slug": slug}),
        reverse("priorities:strategy_detail", kwargs={"slug": slug, "pk": strategy.pk}),
        reverse("meetings:meeting_list", kwargs={"slug": slug}),
        reverse("meetings:meeting_detail", kwargs={"slug": slug, "pk": meeting.pk}),
        reverse("reports:plan", kwargs={"slug": slug}),
        reverse("reports:exception_report", kwargs={"slug": slug}),
        reverse("reports:board_asks", kwargs={"slug": slug}),
        reverse("delivery:my_actions", kwargs={"slug": slug}),
        reverse("delivery:action_list", kwargs={"slug": slug}),
    ]


def test_members_see_their_own_partnership(client, two_partnerships):
    ours, _ = two_partnerships
    client.force_login(MembershipFactory(partnership=ours.partnership).user)

    for url in pages_of(ours):
        assert client.get(url).status_code == 200, url


def test_another_partnership_answers_404(client, two_partnerships):
    ours, theirs = two_partnerships
    client.force_login(MembershipFactory(partnership=ours.partnership).user)

    for url in pages_of(theirs):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"secret" not in response.content


def test_another_partnerships_objects_under_our_address_answer_404(client, two_partnerships):
    ours, theirs = two_partnerships
    client.force_login(MembershipFactory(partnership=ours.partnership).user)

    for url in pages_of(theirs, slug=ours.partnership.slug)[1:4:2]:  # the two object pages
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"secret" not in response.content


def test_an_inactive_member_is_treated_as_an_outsider(client, two_partnerships):
    ours, _ = two_partnerships
    client.force_login(MembershipFactory(partnership=ours.partnership, is_active=False).user)

    assert client.get(ours.partnership.get_absolute_url()).status_code == 404


def test_a_superuser_who_is_not_a_member_also_gets_404(client, two_partnerships, django_user_model):
    ours, _ = two_partnerships
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw"))

    assert client.get(ours.partnership.get_absolute_url()).status_code == 404
