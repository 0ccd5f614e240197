"""Who may use each URL: every pattern from the resolver, for every kind of person, GET and POST.

The answers live in ACCESS, one row per URL name. A URL without a row fails the test, so a new page
cannot be added without saying who may use it; a row for a URL that no longer exists fails too.
Another partnership's object under one's own partnership's address answers 404 for every role, and a
POST that is refused (403, 404 or 405) changes nothing in the database.
"""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Membership
from delivery.models import PlanImport
from reports.services import exception_report_publish
from tests.accounts.factories import InvitationFactory, MembershipFactory, UserFactory
from tests.urls import url_patterns
from tests.world import fingerprint, one_of_everything, sample_kwargs

# The columns of each row, in order.
ACTORS = ("anonymous", "owner", "officer", "board", "admin", "outsider", "superuser")
# One letter per actor, in ACTORS order:
#   L = 302 to sign-in   R = 302 elsewhere   P = 301   2 = 200   3 = 403   4 = 404   5 = 405
#   C = 409 (the page's record changed since, or its period is locked, by an earlier POST of the walk)
# Each row is (GET, POST); POST is None for a view that does not accept POST.
# owner: the officer who owns the action; officer: another officer; board: a board member;
# admin: a partnership administrator (two-factor verified); outsider: a member of another partnership;
# superuser: a platform superuser who is not a member.
ACCESS: dict[str, tuple[str, str | None]] = {
    "core:healthz": ("2222222", None),
    "core:security_txt": ("2222222", None),
    "core:accessibility": ("2222222", None),
    "core:favicon": ("PPPPPPP", None),
    "login": ("2RRRRRR", "2RRRRRR"),
    "logout": ("L555555", "LLLLLLL"),
    "accounts:home": ("LRRRRR2", None),
    "accounts:partnership_set_up": ("L333332", "L333332"),
    "accounts:invitation_accept": ("2222222", "2222222"),
    "accounts:account": ("L222222", None),
    "accounts:password_change": ("L222222", "L222222"),
    "accounts:password_reset": ("2222222", "2222222"),
    "accounts:password_reset_done": ("2222222", None),
    "accounts:password_reset_complete": ("2222222", None),
    "accounts:password_reset_confirm": ("2222222", "2222222"),
    "accounts:two_factor_verify": ("LRRRRRR", "LRRRRRR"),
    "accounts:two_factor_set_up": ("L222R2R", "L222R2R"),
    "accounts:two_factor_recovery_codes": ("LRRRRRR", "LRRRRRR"),
    "accounts:two_factor_remove": ("LRRR2R2", "LRRR2R2"),
    "accounts:session_status": ("L222222", None),
    "accounts:session_extend": ("L555555", "L222222"),
    "accounts:sign_out_everywhere": ("L555555", "LLLLLLL"),
    "accounts:manage": ("L333244", None),
    "accounts:organisation_list": ("L333244", None),
    "accounts:partnership_settings": ("L333244", "L333244"),
    "accounts:organisation_create": ("L333244", "L333244"),
    "accounts:organisation_edit": ("L333244", "L333244"),
    "accounts:people": ("L333244", None),
    "accounts:person_invite": ("L333244", "L333244"),
    "accounts:person_edit": ("L333244", "L333244"),
    "accounts:person_password_reset": ("L333544", "L333R44"),
    "accounts:sign_in_log": ("L333244", None),
    "accounts:person_deactivate": ("L333244", "L333R44"),
    "accounts:person_reactivate": ("L333244", "L333R44"),
    "accounts:invitation_resend": ("L333544", "L333R44"),
    "accounts:invitation_revoke": ("L333544", "L333R44"),
    "reports:plan": ("L222244", None),
    "reports:exception_report": ("L222244", None),
    "reports:exception_report_download": ("L222244", None),
    "reports:exception_report_publish": ("L333544", "L333244"),
    "reports:exception_rules": ("L333244", "L333R44"),
    "reports:published_report": ("L222244", None),
    "reports:published_report_download": ("L222244", None),
    "reports:board_asks": ("L222244", None),
    "reports:activity": ("L333244", None),
    "priorities:strategy_list": ("L222244", None),
    "priorities:strategy_create": ("L333244", "L333244"),
    "priorities:strategy_detail": ("L222244", None),
    "priorities:strategy_edit": ("L333244", "L333244"),
    "priorities:strategy_transition": ("L333244", "L333244"),
    "priorities:sign_off_edit": ("L333244", "L333244"),
    "priorities:priority_create": ("L333244", "L333244"),
    "priorities:consultation_create": ("L333244", "L333244"),
    "priorities:priority_edit": ("L333244", "L333244"),
    "priorities:priority_move": ("L333544", "L333R44"),
    "priorities:ambition_create": ("L333244", "L333244"),
    "priorities:ambition_edit": ("L333244", "L333244"),
    "priorities:ambition_move": ("L333544", "L333R44"),
    "priorities:consultation_edit": ("L333244", "L333244"),
    "delivery:my_actions": ("L222244", None),
    "delivery:action_list": ("L222244", None),
    "delivery:action_detail": ("L222244", None),
    "delivery:progress_update": ("L233244", "L233244"),
    "delivery:progress_update_for": ("L233244", "L233244"),
    "delivery:action_reopen": ("L233244", "L233244"),
    "delivery:action_delegates": ("L233244", "L233244"),
    "delivery:period_list": ("L222244", None),
    "delivery:period_year_create": ("L333244", "L333244"),
    "delivery:period_detail": ("L222244", None),
    "delivery:period_open": ("L333R44", "L333244"),
    "delivery:period_lock": ("L333244", "L333R44"),
    "delivery:period_unlock": ("L333244", "L333244"),
    "delivery:period_deadline": ("L333244", "L333244"),
    "delivery:period_remind": ("L333544", "L333R44"),
    "delivery:action_create": ("L333244", "L333244"),
    "delivery:strategy_action_create": ("L333244", "L333244"),
    "delivery:action_edit": ("L333244", "L333244"),
    "delivery:action_move": ("L333544", "L333R44"),
    "delivery:action_milestones": ("L333244", "L333244"),
    "delivery:milestone_edit": ("L333244", "L333244"),
    "delivery:milestone_remove": ("L333544", "L333R44"),
    "delivery:strategy_start_next": ("L333244", "L333244"),
    "delivery:plan_import": ("L333244", "L333244"),
    "delivery:plan_import_template": ("L333244", None),
    "delivery:plan_import_preview": ("L333244", "L333R44"),
    "delivery:plan_import_columns": ("L333R44", "L333R44"),  # the world's import has no headings to match
    "delivery:plan_export": ("L333244", None),
    "risks:register": ("L222244", None),
    "risks:register_release": ("L333244", "L333C44"),
    "risks:release_list": ("L222244", None),
    "risks:release_detail": ("L222244", None),
    "risks:register_settings": ("L333244", "L333244"),
    "risks:risk_create": ("L333244", "L333244"),
    "risks:review_reminders_send": ("L333544", "L333R44"),
    "risks:risk_detail": ("L233244", None),
    "risks:risk_edit": ("L333244", "L333244"),
    "risks:risk_review": ("L233244", "L233C44"),
    "indicators:indicator_list": ("L222244", None),
    "indicators:indicator_create": ("L333244", "L333244"),
    "indicators:value_import": ("L333244", "L333244"),
    "indicators:indicator_detail": ("L222244", None),
    "indicators:indicator_edit": ("L333244", "L333244"),
    "indicators:value_enter": ("L233244", "L233C44"),
    "meetings:meeting_list": ("L222244", None),
    "meetings:meeting_detail": ("L222244", None),
    "meetings:meeting_create": ("L333244", "L333244"),
    "meetings:meeting_edit": ("L333244", "L333244"),
    "meetings:body_list": ("L333244", None),
    "meetings:body_create": ("L333244", "L333244"),
    "meetings:body_edit": ("L333244", "L333244"),
    "meetings:agenda_item_create": ("L333244", "L333244"),
    "meetings:agenda_item_edit": ("L333244", "L333244"),
    "meetings:agenda_item_move": ("L333544", "L333R44"),
    "meetings:agenda_item_document_add": ("L333244", "L333244"),
    "meetings:document_download": ("LRRRR44", None),  # the world's document is a link
    "meetings:document_remove": ("L333244", "L333R44"),
    "meetings:agenda_item_remove": ("L333244", "L333R44"),  # last in urls.py: it removes the item
    "meetings:meeting_attendance": ("L333244", "L333244"),
    "meetings:attendance_report": ("L222244", None),
    "meetings:board_action_list": ("L222244", None),
    "meetings:meeting_board_action_create": ("L333244", "L333244"),
    "meetings:board_action_detail": ("L222244", None),
    "meetings:board_action_edit": ("L333244", "L333244"),
    "meetings:board_action_progress": ("L233244", "L233244"),
    "meetings:meeting_board_ask_agenda_item": ("L333544", "L333R44"),
    "meetings:meeting_board_ask_board_action": ("L333544", "L333R44"),
    "meetings:meeting_agenda": ("L222244", None),
    "meetings:meeting_agenda_docx": ("L222244", None),
    "meetings:meeting_minutes": ("L222244", None),
    "meetings:meeting_minutes_docx": ("L222244", None),
    "accounts:person_hand_over": ("L333244", "L333244"),
}

REFUSED = {"3", "4", "5", "C"}
# Pages whose POST signs the person out: sign them in again after.
SIGNS_OUT = {"logout", "accounts:sign_out_everywhere"}
# The admin goes last: an administrator's POST may change what the others would see.
WALK_ORDER = ("anonymous", "owner", "officer", "board", "outsider", "superuser", "admin")
NOT_OBJECTS = {"slug", "extension", "token", "uidb64"}


def accepts(pattern, method: str) -> bool | None:
    """Whether the URL's class-based view takes the method; None for a function view (ACCESS says)."""
    view = getattr(pattern.callback, "view_class", None)
    if view is None:
        return None
    return method in view.http_method_names and hasattr(view, method)


def complete_world(world: dict) -> dict:
    """Add what the matrix needs beyond one of everything: the records only some pages are about."""
    partnership = world["partnership"]
    world["invitation"] = InvitationFactory(partnership=partnership, invited_by=world["admin"])
    world["report"] = exception_report_publish(
        partnership=partnership,
        period=world["period"],
        meeting=world["meeting"],
        published_by=world["admin"],
        today=datetime.date(2026, 7, 1),
    )
    world["plan_import"] = PlanImport.objects.create(
        partnership=partnership, strategy=world["strategy"], uploaded_by=world["admin"], file_name="plan.xlsx"
    )
    # The person pages are about another officer, so the owner's own pages stay theirs.
    world["other_officer"] = MembershipFactory(partnership=partnership, role=Membership.Role.OFFICER)
    world["pks"].update(
        {
            "meetings:person": world["other_officer"].pk,
            "accounts:person": world["other_officer"].pk,
            "accounts:invitation": world["invitation"].pk,
            "reports:published_report": world["report"].pk,
            "delivery:plan_import_preview": world["plan_import"].pk,
        }
    )
    return world


@pytest.fixture
def worlds(db):
    """Ours, with one person of each kind, and another partnership's, whose officer is the outsider."""
    ours = complete_world(one_of_everything())
    theirs = complete_world(one_of_everything("Their secret strategy"))
    partnership = ours["partnership"]
    ours["actors"] = {
        "anonymous": None,
        "owner": ours["officer"],
        "officer": ours["other_officer"].user,
        "board": MembershipFactory(partnership=partnership, role=Membership.Role.BOARD_MEMBER).user,
        "admin": ours["admin"],
        "outsider": theirs["officer"],
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }
    return ours, theirs


def address(world: dict, name: str, parameters) -> str:
    url = reverse(name, kwargs=sample_kwargs(world, name, parameters) or None)
    if name == "priorities:sign_off_edit":
        url += f"?organisation={world['query']['organisation']}"
    return url


def answer(response) -> str:
    if response.status_code == 301:
        return "P"
    if response.status_code == 302:
        return "L" if response["Location"].startswith(reverse("login")) else "R"
    return {200: "2", 403: "3", 404: "4", 405: "5", 409: "C"}.get(
        response.status_code, f"<{response.status_code}>"
    )


def sign_in(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)


def test_every_url_has_a_row_and_every_row_a_url():
    names = {name for name, _, _ in url_patterns()}

    assert sorted(names - set(ACCESS)) == [], "URLs with no row in ACCESS: say who may use them"
    assert sorted(set(ACCESS) - names) == [], "rows in ACCESS for URLs that no longer exist"


def test_post_column_matches_what_the_view_accepts():
    for name, _, pattern in url_patterns():
        if name in ACCESS and accepts(pattern, "post") is not None:
            assert (ACCESS[name][1] is not None) == accepts(pattern, "post"), name


def test_each_person_gets_the_answer_in_the_table(client, worlds):
    ours, _ = worlds
    patterns = [(name, parameters, pattern) for name, parameters, pattern in url_patterns() if name in ACCESS]
    observed = {name: {"GET": {}, "POST": {}} for name, _, _ in patterns}
    changed = []
    for actor in WALK_ORDER:
        user = ours["actors"][actor]
        column = ACTORS.index(actor)
        sign_in(client, user)
        for name, parameters, _pattern in patterns:
            url = address(ours, name, parameters)
            observed[name]["GET"][actor] = answer(client.get(url))
            if ACCESS[name][1] is None:
                continue
            expected = ACCESS[name][1][column]
            before = fingerprint() if expected in REFUSED else None
            got = observed[name]["POST"][actor] = answer(client.post(url, {}))
            if before is not None and fingerprint() != before:
                changed.append(f"{actor} POST {name} ({got})")
            if name in SIGNS_OUT:
                sign_in(client, user)

    found = {
        name: (
            "".join(observed[name]["GET"][actor] for actor in ACTORS),
            "".join(observed[name]["POST"][actor] for actor in ACTORS) if ACCESS[name][1] else None,
        )
        for name in observed
    }
    differences = {name: found[name] for name in found if found[name] != ACCESS[name]}
    assert differences == {}, "answers that differ from ACCESS (what was found):\n" + "\n".join(
        f'    "{name}": {row!r},' for name, row in differences.items()
    )
    assert changed == [], "refused POSTs that changed the database:\n" + "\n".join(changed)


@pytest.mark.parametrize("actor", ["owner", "officer", "board", "admin", "outsider"])
def test_another_partnerships_object_under_ones_own_address_is_404(client, worlds, actor):
    """Each URL that names an object, filled with the other partnership's object under the actor's own
    partnership's address: 404 for GET and POST, and nothing changed. (The superuser, a member of no
    partnership, has no address of their own: the table shows their 404 everywhere.)"""
    ours, theirs = worlds
    own, foreign = (theirs, ours) if actor == "outsider" else (ours, theirs)
    sign_in(client, ours["actors"][actor])
    wrong = []
    walked = 0
    for name, parameters, pattern in url_patterns():
        if "slug" not in parameters or not set(parameters) - NOT_OBJECTS:
            continue
        kwargs = {**sample_kwargs(foreign, name, parameters), "slug": own["partnership"].slug}
        assert 424242 not in kwargs.values(), f"{name}: the world has no object for it"
        url = reverse(name, kwargs=kwargs)
        walked += 1
        answers = [client.get(url).status_code] if accepts(pattern, "get") else []
        if accepts(pattern, "post"):
            before = fingerprint()
            answers.append(client.post(url, {}).status_code)
            if fingerprint() != before:
                wrong.append(f"POST {name} changed the database")
        if set(answers) != {404}:
            wrong.append(f"{name}: {answers}")

    assert walked > 40
    assert wrong == [], "\n".join(wrong)
