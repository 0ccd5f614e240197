"""Partnership-wide roles as django-rules predicates, used by every app's own rules."""

from collections.abc import Callable

import rules

from accounts.models import Membership


@rules.predicate
def is_partnership_administrator(user, partnership) -> bool:
    """The person is an active administrator of the partnership (a Partnership or its id).

    A page's base (accounts.tenancy) has already resolved the person's membership of the partnership in
    its URL; it is reused, so asking on a page costs no query.
    """
    partnership_id = getattr(partnership, "pk", partnership)
    seen = getattr(user, "memberships_seen", {})
    if partnership_id in seen:
        return seen[partnership_id].role == Membership.Role.ADMINISTRATOR
    return Membership.objects.active().administrators().filter(user=user, partnership=partnership_id).exists()


def asked_once_per_page(user, partnership, question: str, answer: Callable[[], bool]) -> bool:
    """`answer()` to a question about the person in the partnership, asked once on a page however often
    its checks ask it: kept on the membership the page's base resolved for this request, so never
    carried to another request. Outside such a page it is asked each time."""
    membership = getattr(user, "memberships_seen", {}).get(getattr(partnership, "pk", partnership))
    if membership is None:
        return answer()
    answers = membership.__dict__.setdefault("answers_this_request", {})
    if question not in answers:
        answers[question] = answer()
    return answers[question]


# Managing a partnership's people and organisations, and handing over someone's work.
rules.add_perm("accounts.administer_partnership", is_partnership_administrator)
