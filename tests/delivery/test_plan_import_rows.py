"""The plan import's rows as published plans write them (issue 11, points 5 to 7): people by email or
name and a list to invite, priorities and ambitions added from the file, two-level plans and
references as published, statuses and completion dates, partners as written, themes and places."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.ratings import Rating
from delivery.models import Action, ProgressUpdate, ReportingPeriod, Tag, accountable_for
from priorities.models import Priority, StrategicAmbition, Strategy
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ActionFactory, ReportingPeriodFactory
from tests.delivery.test_plan_import import (
    HEADINGS,
    confirm,
    csv_file,
    import_url,
    make_plan,
    preview_of,
    row,
    upload,
)


@pytest.fixture
def plan(db):
    plan = make_plan()
    plan.owner.first_name, plan.owner.last_name = "Kim", "Owner"
    plan.owner.save()
    plan.mps.nominated_contact = plan.delegate
    plan.mps.save()
    return plan


def page_of(client, plan, plan_import) -> str:
    return client.get(import_url(plan, "plan_import_preview", import_pk=plan_import.pk)).content.decode()


def checked(client, plan, rows, headings=HEADINGS):
    return preview_of(upload(client, plan, csv_file(rows, headings=headings)))


def imported(client, plan, rows, headings=HEADINGS):
    plan_import = checked(client, plan, rows, headings)
    assert plan_import.errors == []
    confirm(client, plan, plan_import)
    plan_import.refresh_from_db()
    assert plan_import.state == "imported", plan_import.failure
    return plan_import


def exported(client, plan, strategy=None) -> SimpleUploadedFile:
    client.force_login(plan.admin)
    response = client.get(import_url(plan, "plan_export"), {"strategy": (strategy or plan.strategy).pk})
    assert response.status_code == 200
    return SimpleUploadedFile("export.xlsx", response.content)


# People by email or name ----------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["Kim Owner", "  kim   OWNER ", "KIM owner"])
def test_the_owner_is_read_by_name_case_and_spacing_aside(client, plan, written):
    imported(client, plan, [row(**{"Owner email": written})])

    assert Action.objects.get().owner == plan.owner


def test_a_name_two_members_share_is_a_problem_naming_them(client, plan):
    twin = MembershipFactory(
        partnership=plan.partnership, user__first_name="Kim", user__last_name="Owner", user__email="k2@x.org"
    ).user

    plan_import = checked(client, plan, [row(**{"Owner email": "Kim Owner"})])

    [error] = plan_import.errors
    assert error["column"] == "Owner email"
    assert error["message"].startswith("More than one member is called Kim Owner: give the email address")
    assert plan.owner.email in error["message"] and twin.email in error["message"]
    assert not Action.objects.exists()


def test_someone_not_a_member_is_listed_to_invite_and_the_row_imports_without_them(client, plan):
    rows = [
        row(
            **{"Owner email": "Sam Jones", "Lead organisation": "MPS", "Delegate emails": "ann@elsewhere.org"}
        ),
        row(Reference="1.1.2", **{"Owner email": "sam  jones", "Lead organisation": "MPS"}),
    ]

    plan_import = checked(client, plan, rows)
    page = page_of(client, plan, plan_import)

    assert plan_import.errors == []
    assert "People to invite" in page
    assert "Sam Jones <span" in page and "(rows 2, 3)" in page and "ann@elsewhere.org" in page
    assert reverse("accounts:person_invite", kwargs={"slug": plan.partnership.slug}) in page
    confirm(client, plan, plan_import)
    actions = list(Action.objects.order_by("order"))
    assert [(a.owner, a.lead_organisation) for a in actions] == [(None, plan.mps), (None, plan.mps)]
    assert not actions[0].delegates.exists()
    assert set(Action.objects.filter(accountable_for(plan.delegate))) == set(actions)  # MPS's contact


def test_someone_to_invite_whose_lead_organisation_cannot_answer_is_a_row_problem(client, plan):
    plan_import = checked(client, plan, [row(**{"Owner email": "Sam Jones", "Lead organisation": "LFB"})])

    assert plan_import.errors == [
        {
            "row": 2,
            "column": "Owner email",
            "message": "Sam Jones is not a member of this partnership yet, so London Fire Brigade must "
            "answer for the returns: give it a nominated contact on the Organisations page, or name a "
            "member as lead officer",
        }
    ]


def test_a_row_with_neither_a_lead_officer_nor_a_lead_organisation_is_a_row_problem(client, plan):
    plan_import = checked(client, plan, [row(**{"Owner email": "", "Lead organisation": ""})])

    assert plan_import.errors == [
        {
            "row": 2,
            "column": "Owner email",
            "message": "Give a lead officer who is a member, or a lead organisation: someone must answer "
            "for the returns",
        }
    ]


def test_an_updated_owner_who_is_not_a_member_shows_who_answers_instead(client, plan):
    ActionFactory(ambition=plan.violence, order=1, owner=plan.owner, lead_organisation=plan.mps)

    plan_import = checked(client, plan, [row(**{"Owner email": "Sam Jones"})])

    differences = {d["column"]: (d["old"], d["new"]) for d in plan_import.rows[0]["differences"]}
    assert differences["Owner email"] == (
        "Kim Owner",
        "Sam Jones, to invite (until then Metropolitan Police Service's nominated contact answers)",
    )


# Priorities and ambitions the file adds -------------------------------------------------------------


def test_new_priorities_and_ambitions_are_created_from_the_file_and_listed_first(client, plan):
    rows = [
        row(Reference="3.1.1", Priority="Places", **{"Strategic ambition": "Safer town centres"}),
        row(Reference="3.1.2", Priority="Places", **{"Strategic ambition": "Safer town centres"}),
        row(Reference="1.3.1", **{"Strategic ambition": "Tackle fly-tipping"}),
    ]

    plan_import = checked(client, plan, rows)
    page = page_of(client, plan, plan_import)

    assert plan_import.errors == []
    assert "New priorities:" in page and '<li class="govuk-!-text-break-word">Places</li>' in page
    assert "Safer town centres (under Places)" in page and "Tackle fly-tipping (under Prevention)" in page
    assert not Priority.objects.filter(title="Places").exists()  # nothing yet
    confirm(client, plan, plan_import)
    places = Priority.objects.get(strategy=plan.strategy, title="Places")
    assert places.order == 3
    assert [a.title for a in places.ambitions.all()] == ["Safer town centres"]
    assert sorted(a.reference for a in Action.objects.all()) == ["1.3.1", "3.1.1", "3.1.2"]
    assert StrategicAmbition.objects.get(title="Tackle fly-tipping").priority == plan.prevention


def test_a_number_alone_cannot_add_a_priority(client, plan):
    plan_import = checked(client, plan, [row(Reference="7.1.1", Priority="7")])

    assert plan_import.errors[0]["message"] == "This strategy has no priority 7: give its title to add it"


def test_a_new_priority_numbered_otherwise_in_the_file_keeps_the_files_reference(client, plan):
    imported(client, plan, [row(Reference="5.1.1", Priority="Places", **{"Strategic ambition": "Town"})])

    action = Action.objects.get()
    assert action.ambition.priority.order == 3
    assert (action.published_reference, action.reference) == ("5.1.1", "5.1.1")


def test_nothing_is_added_when_another_row_has_a_problem(client, plan):
    rows = [row(Reference="3.1.1", Priority="Places", **{"Strategic ambition": "Town"}), row(Reference="")]

    plan_import = checked(client, plan, rows)

    assert len(plan_import.errors) == 1
    assert not Priority.objects.filter(title="Places").exists()


# Two-level plans and references as published ----------------------------------------------------------


@pytest.fixture
def two_level(plan):
    strategy = plan.strategy
    strategy.levels = Strategy.Levels.TWO
    strategy.save()
    return plan


TWO_LEVEL_HEADINGS = [h for h in HEADINGS if h != "Strategic ambition"]


def test_a_two_level_plan_needs_no_ambition_column_and_takes_priority_dot_action(client, two_level):
    plan = two_level
    people = plan.people
    people.ambitions.all().delete()  # a priority with no actions yet has no unseen ambition
    rows = [
        row(Reference="1.3", Priority=""),
        row(Reference="2.1", Priority="People"),
        row(Reference="3.1", Priority="Places"),
    ]

    imported(client, plan, rows, headings=TWO_LEVEL_HEADINGS)

    actions = {a.reference: a for a in Action.objects.select_related("ambition__priority__strategy")}
    assert sorted(actions) == ["1.3", "2.1", "3.1"]
    assert actions["1.3"].ambition == plan.violence  # the priority's first ambition holds its actions
    assert actions["2.1"].ambition.priority == people
    assert actions["3.1"].ambition.priority.title == "Places"
    assert all(a.published_reference == "" for a in actions.values())


def test_a_two_level_plan_refuses_a_strategic_ambition(client, two_level):
    plan_import = checked(client, two_level, [row(Reference="1.3")])

    assert plan_import.errors[0]["column"] == "Strategic ambition"
    assert "has two levels, so no strategic ambitions" in plan_import.errors[0]["message"]


def test_a_two_level_plan_exports_and_imports_again_unchanged(client, two_level):
    imported(client, two_level, [row(Reference="1.3", Priority="")], headings=TWO_LEVEL_HEADINGS)
    file = exported(client, two_level)
    sheet = openpyxl.load_workbook(io.BytesIO(file.read()))["Delivery plan"]
    file.seek(0)

    assert [c.value for c in sheet[2]][:3] == ["1.3", "Prevention", None]
    plan_import = checked_file(client, two_level, file)
    assert [r["outcome"] for r in plan_import.rows] == ["unchanged"]


def checked_file(client, plan, file):
    return preview_of(upload(client, plan, file))


@pytest.mark.parametrize("reference", ["A3", "2.1.10", "1.1"])
def test_a_reference_not_numbered_our_way_is_kept_as_published_and_matched_again(client, plan, reference):
    ActionFactory(ambition=plan.violence, order=1, owner=plan.owner)

    imported(client, plan, [row(Reference=reference, Action="Published")])

    action = Action.objects.get(title="Published")
    assert (action.published_reference, action.reference, action.order) == (reference, reference, 2)
    again = checked(client, plan, [row(Reference=f" {reference.lower()} ", Action="Renamed")])
    assert [(r["outcome"], r["action"]) for r in again.rows] == [("update", action.pk)]
    assert again.rows[0]["changes"] == ["Action"]


def test_a_published_reference_is_not_moved_to_another_ambition(client, plan):
    ActionFactory(ambition=plan.violence, order=1, owner=plan.owner, published_reference="A3")

    plan_import = checked(client, plan, [row(Reference="A3", **{"Strategic ambition": "2"})])

    [error] = plan_import.errors
    assert error["column"] == "Reference"
    assert (
        "is under strategic ambition 1.1 (Reduce serious violence): the import does not move"
        in error["message"]
    )


def test_a_reference_as_published_cannot_be_another_actions_number(client, plan):
    ActionFactory(ambition=plan.violence, order=1, owner=plan.owner, title="Knife crime sessions")

    plan_import = checked(client, plan, [row(Priority="People", **{"Strategic ambition": "1"})])

    [error] = plan_import.errors
    assert error["column"] == "Reference"
    assert error["message"].startswith(
        "The reference 1.1.1 is the action “Knife crime sessions” under strategic ambition 1.1"
    )


def test_a_published_reference_with_no_priority_to_go_under_is_a_problem(client, plan):
    plan_import = checked(client, plan, [row(Reference="A3", Priority="")])

    assert plan_import.errors[0]["message"] == "Give the priority: the reference “A3” does not say which"


# Statuses and completion ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("Complete", "completed"),
        ("Completed", "completed"),
        ("DONE", "completed"),
        ("In progress (with revised timescale)", "in_progress"),
        ("in progress (WITH revised timescale)", "in_progress"),
        ("Outstanding", "outstanding"),
        ("Not started", "not_started"),
        ("on hold", "on_hold"),
        ("Cancelled", "cancelled"),
    ],
)
def test_statuses_as_plans_write_them(client, plan, written, status):
    imported(client, plan, [row(Status=written)])

    assert Action.objects.get().status == status


def test_an_imported_completion_without_a_date_has_none_and_no_rating(client, plan):
    ReportingPeriodFactory(partnership=plan.partnership)

    plan_import = imported(client, plan, [row(Status="Complete")])

    action = Action.objects.get()
    assert (action.status, action.completed_on) == ("completed", None)
    assert not ProgressUpdate.objects.exists()
    assert "with no date completed: not rated" in page_of(client, plan, plan_import)


def test_an_imported_completion_keeps_its_date_and_is_rated_blue_in_its_period(client, plan):
    earlier = ReportingPeriodFactory(
        partnership=plan.partnership,
        name="Q1 2024/25",
        starts_on=datetime.date(2024, 4, 1),
        ends_on=datetime.date(2024, 6, 30),
    )
    ReportingPeriodFactory(
        partnership=plan.partnership,
        name="Q2 2024/25",
        starts_on=datetime.date(2024, 7, 1),
        ends_on=datetime.date(2024, 9, 30),
    )

    plan_import = checked(client, plan, [row(Status="Complete", **{"Date completed": "03/06/2024"})])
    page = page_of(client, plan, plan_import)
    confirm(client, plan, plan_import)

    assert "Completed on 3 June 2024: rated Blue in Q1 2024/25" in page
    action = Action.objects.get()
    assert action.completed_on == datetime.date(2024, 6, 3)
    [update] = ProgressUpdate.objects.all()
    assert (update.action, update.period, update.rating) == (action, earlier, Rating.BLUE)
    assert update.is_submitted and update.percent_complete == 100 and update.author == plan.admin


def test_a_completion_in_a_locked_period_is_rated_blue_there_as_history(client, plan):
    locked = ReportingPeriodFactory(
        partnership=plan.partnership,
        name="Q1 2024/25",
        starts_on=datetime.date(2024, 4, 1),
        ends_on=datetime.date(2024, 6, 30),
        state=ReportingPeriod.State.LOCKED,
    )

    plan_import = imported(client, plan, [row(Status="Done", **{"Date completed": "2024-06-03"})])

    assert "Completed on 3 June 2024: rated Blue in Q1 2024/25 (locked)" in page_of(client, plan, plan_import)
    action = Action.objects.get()
    assert action.completed_on == datetime.date(2024, 6, 3)
    [update] = ProgressUpdate.objects.all()
    assert (update.action, update.period, update.rating) == (action, locked, Rating.BLUE)
    assert update.is_submitted


def test_completing_an_existing_action_shows_the_date_and_rates_it(client, plan):
    action = ActionFactory(ambition=plan.violence, order=1, owner=plan.owner, status="in_progress")
    period = ReportingPeriodFactory(partnership=plan.partnership, starts_on=datetime.date(2024, 4, 1))

    plan_import = checked(client, plan, [row(Status="Complete", **{"Date completed": "01/05/2024"})])
    confirm(client, plan, plan_import)

    differences = {d["column"]: (d["old"], d["new"]) for d in plan_import.rows[0]["differences"]}
    assert differences["Status"] == ("In progress", "Completed")
    assert differences["Date completed"] == ("", "1 May 2024")
    action.refresh_from_db()
    assert action.completed_on == datetime.date(2024, 5, 1)
    assert ProgressUpdate.objects.get().period == period


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"Status": "Complete", "Date completed": "March 2024"}, "Give the day it was completed"),
        ({"Status": "In progress", "Date completed": "01/05/2024"}, "Only a completed action has a date"),
    ],
)
def test_a_date_completed_that_cannot_be_kept_is_a_problem_of_its_column(client, plan, changes, message):
    plan_import = checked(client, plan, [row(**changes)])

    [error] = plan_import.errors
    assert error["column"] == "Date completed" and message in error["message"]


# Partners as written, themes and places --------------------------------------------------------------


def test_partners_are_matched_and_the_rest_kept_as_written_with_near_misses_suggested(client, plan):
    partners = "lfb, third sector, Metropolitan Polise Service"

    plan_import = checked(client, plan, [row(**{"Partner organisations": partners})])
    page = page_of(client, plan, plan_import)

    assert plan_import.errors == []
    assert "Partners kept as written: third sector, Metropolitan Polise Service." in page
    assert "Did you mean Metropolitan Police Service for Metropolitan Polise Service?" in page
    confirm(client, plan, plan_import)
    action = Action.objects.get()
    assert list(action.partner_organisations.all()) == [plan.lfb]
    assert action.other_partners == "third sector, Metropolitan Polise Service"


def test_themes_and_places_become_the_partnerships_tags(client, plan):
    Tag.objects.create(partnership=plan.partnership, name="VAWG")

    imported(client, plan, [row(**{"Themes and places": "vawg, Town  centre; VAWG"})])

    action = Action.objects.get()
    assert sorted(t.name for t in action.tags.all()) == ["Town centre", "VAWG"]
    assert Tag.objects.filter(partnership=plan.partnership).count() == 2


def test_changed_tags_and_partners_are_shown_old_to_new_and_empty_cells_keep_them(client, plan):
    action = ActionFactory(ambition=plan.violence, order=1, owner=plan.owner, other_partners="All reps")
    action.tags.add(Tag.objects.create(partnership=plan.partnership, name="VAWG"))

    plan_import = checked(
        client,
        plan,
        [row(**{"Partner organisations": "LFB, third sector", "Themes and places": "Orpington"})],
    )
    emptied = checked(client, plan, [row(**{"Partner organisations": "", "Themes and places": ""})])

    differences = {d["column"]: (d["old"], d["new"]) for d in plan_import.rows[0]["differences"]}
    assert differences["Partner organisations"] == ("All reps", "London Fire Brigade, third sector")
    assert differences["Themes and places"] == ("VAWG", "Orpington")
    assert "All reps → London Fire Brigade, third sector" in page_of(client, plan, plan_import)
    assert {"Partner organisations", "Themes and places"} <= set(emptied.rows[0]["kept_empty"])
    confirm(client, plan, emptied)
    action.refresh_from_db()
    assert action.other_partners == "All reps" and [t.name for t in action.tags.all()] == ["VAWG"]


def test_a_completion_date_is_kept_when_its_cell_is_empty_unless_asked_to_clear(client, plan):
    ActionFactory(
        ambition=plan.violence,
        order=1,
        owner=plan.owner,
        status="completed",
        completed_on=datetime.date(2024, 9, 30),
    )

    plan_import = checked(client, plan, [row(Status="Completed", **{"Date completed": ""})])

    assert "Date completed" in plan_import.rows[0]["kept_empty"]
    assert "Date completed" not in plan_import.rows[0]["changes"]


# Export then import ----------------------------------------------------------------------------------


def test_an_export_with_every_new_field_imports_again_unchanged(client, plan):
    imported(
        client,
        plan,
        [
            row(
                **{
                    "Owner email": "",
                    "Lead organisation": "MPS",
                    "Delegate emails": "",
                    "Partner organisations": "LFB, third sector",
                    "Themes and places": "VAWG, Town centre",
                    "Status": "Complete",
                    "Date completed": "30/09/2024",
                }
            ),
            row(Reference="A3", Action="As published", **{"Partner organisations": "All reps"}),
            row(Reference="3.1.1", Priority="Places", **{"Strategic ambition": "Town"}),
        ],
    )

    file = exported(client, plan)
    plan_import = checked_file(client, plan, file)

    assert plan_import.errors == []
    assert [r["outcome"] for r in plan_import.rows] == ["unchanged"] * 3
    assert all(r["kept_empty"] == [] and r["to_invite"] == [] for r in plan_import.rows)


# Hostile text ----------------------------------------------------------------------------------------


def test_hostile_people_partners_priorities_and_tags_are_shown_as_text(client, plan):
    markup = "<b>Bold</b><script>x()</script>"
    rows = [
        row(
            Priority=markup,
            **{
                "Strategic ambition": f"<i>{markup}</i>",
                "Owner email": f"Sam {markup}",
                "Lead organisation": "ＭＰＳ",  # full-width look-alike: the same organisation
                "Partner organisations": f"London Fire Brigad\u0435, {markup}",  # a Cyrillic e: not LFB
                "Themes and places": markup,
            },
        )
    ]

    plan_import = checked(client, plan, rows)
    page = page_of(client, plan, plan_import)

    assert plan_import.errors == []
    assert "<b>Bold</b>" not in page and "<script>x()" not in page
    assert "&lt;b&gt;Bold&lt;/b&gt;&lt;script&gt;x()&lt;/script&gt;" in page
    assert "Did you mean London Fire Brigade for London Fire Brigad\u0435?" in page
    confirm(client, plan, plan_import)
    action = Action.objects.get()
    assert action.lead_organisation == plan.mps and action.owner is None
    assert action.other_partners == f"London Fire Brigad\u0435, {markup}"
    assert action.ambition.priority.title == markup and [t.name for t in action.tags.all()] == [markup]


def test_very_long_new_values_are_row_problems(client, plan):
    plan_import = checked(
        client,
        plan,
        [
            row(**{"Themes and places": "x" * 61}),
            row(Reference="1.1.2", **{"Partner organisations": ", ".join(str(n) * 50 for n in range(7))}),
            row(Reference="Z" * (Action._meta.get_field("published_reference").max_length + 1)),
            row(Reference="1.1.4", Priority="p" * 201),
        ],
    )

    assert [(e["row"], e["column"]) for e in plan_import.errors] == [
        (2, "Themes and places"),
        (3, "Partner organisations"),
        (4, "Reference"),
        (5, "Priority"),
    ]
    assert not Action.objects.exists() and not Tag.objects.exists()


def test_the_template_explains_the_new_columns(client, plan):
    client.force_login(plan.admin)
    response = client.get(import_url(plan, "plan_import_template"), {"strategy": plan.strategy.pk})
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))

    assert [c.value for c in workbook["Delivery plan"][1]][-2:] == ["Date completed", "Themes and places"]
    guidance = {r[0].value: r[1].value for r in workbook["How to fill this in"].iter_rows() if r[0].value}
    assert "email address or name" in guidance["Owner email"]
    assert "kept as published" in guidance["Reference"]


def test_a_csv_without_the_new_columns_still_imports(client, plan):
    old = [h for h in HEADINGS if h not in ("Date completed", "Themes and places", "Owner email")]

    imported(client, plan, [row(**{"Lead organisation": "MPS"})], headings=old)

    assert Action.objects.get().owner is None
