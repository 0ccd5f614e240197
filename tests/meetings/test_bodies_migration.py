"""The migration that made a meeting's body a record: one body per distinct name in each partnership,
and past meetings held (with their minutes approved where they have minutes); and back again."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("accounts", "0006_nominated_contact"),
    ("meetings", "0003_text_length_limits"),
    ("reports", "0003_exception_report_strategy"),
]
AFTER = [("meetings", "0004_bodies_attendance_documents_and_board_action_notes")]
PAST = datetime.date(2024, 2, 29)
FUTURE = datetime.date.today() + datetime.timedelta(days=30)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest_schema_after():
    """Bring the database forward to the latest migrations again for the tests that follow."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_body_names_become_bodies_of_their_partnership_and_come_back():
    apps = migrate(BEFORE)
    Partnership, Meeting = apps.get_model("accounts", "Partnership"), apps.get_model("meetings", "Meeting")
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    ours = Partnership.objects.create(name="Safer Bromley Partnership", slug="safer-bromley")
    theirs = Partnership.objects.create(name="Northfield", slug="northfield")
    minuted = Meeting.objects.create(partnership=ours, title="Board", body="SBP Board", held_on=PAST)
    AgendaItem.objects.create(meeting=minuted, order=1, title="Strategy", minutes="Noted.")
    Meeting.objects.create(partnership=ours, title="Board", body=" SBP Board ", held_on=FUTURE)
    Meeting.objects.create(partnership=ours, title="Group", body="Strategic Group", held_on=PAST)
    Meeting.objects.create(partnership=theirs, title="Board", body="SBP Board", held_on=PAST)

    apps = migrate(AFTER)
    Body, Meeting = apps.get_model("meetings", "Body"), apps.get_model("meetings", "Meeting")
    assert sorted(Body.objects.values_list("partnership__slug", "name")) == [
        ("northfield", "SBP Board"),
        ("safer-bromley", "SBP Board"),
        ("safer-bromley", "Strategic Group"),
    ]
    assert sorted(Meeting.objects.values_list("partnership__slug", "body__name", "held_on", "status")) == [
        ("northfield", "SBP Board", PAST, "held"),
        ("safer-bromley", "SBP Board", PAST, "minutes_approved"),
        ("safer-bromley", "SBP Board", FUTURE, "scheduled"),
        ("safer-bromley", "Strategic Group", PAST, "held"),
    ]

    apps = migrate(BEFORE)
    Meeting = apps.get_model("meetings", "Meeting")
    assert sorted(Meeting.objects.values_list("title", "body")) == [
        ("Board", "SBP Board"),
        ("Board", "SBP Board"),
        ("Board", "SBP Board"),
        ("Group", "Strategic Group"),
    ]
