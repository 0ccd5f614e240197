"""A restore drill: back up a populated database, restore it into a fresh one, compare every table."""

import sqlite3
from io import StringIO

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.backups import database_backup, database_restore
from tests.delivery.factories import MilestoneFactory, ProgressUpdateFactory
from tests.meetings.factories import BoardActionFactory


def _connect(database: dict):
    if database["ENGINE"].endswith("sqlite3"):
        return sqlite3.connect(database["NAME"])
    return psycopg2.connect(
        dbname=database["NAME"],
        host=database["HOST"] or None,
        port=database["PORT"] or None,
        user=database["USER"] or None,
        password=database["PASSWORD"] or None,
    )


def _contents(database: dict, tables: list[str]) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order, read straight from the database."""
    link = _connect(database)
    try:
        cursor = link.cursor()
        contents = {}
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the schema itself
            contents[table] = sorted(cursor.fetchall(), key=repr)
        return contents
    finally:
        link.close()


@pytest.fixture
def fresh_database(tmp_path):
    """Settings for an empty database beside the test database, dropped afterwards."""
    original = connection.settings_dict
    if original["ENGINE"].endswith("sqlite3"):
        yield {**original, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    name = f"{original['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield {**original, "NAME": name}
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_with_identical_contents(tmp_path, fresh_database):
    for _ in range(3):
        update = ProgressUpdateFactory(narrative="Ünïcode ✓ and 'quotes'\nover two lines")
        MilestoneFactory(action=update.action)
    BoardActionFactory()
    tables = connection.introspection.table_names()
    before = _contents(connection.settings_dict, tables)

    backup = database_backup(database=connection.settings_dict, path=tmp_path / "backup")
    database_restore(database=fresh_database, path=backup)

    after = _contents(fresh_database, tables)
    assert {t: len(rows) for t, rows in after.items()} == {t: len(rows) for t, rows in before.items()}
    assert after == before
    assert len(before["delivery_progressupdate"]) == 3


@pytest.mark.django_db(transaction=True)
def test_the_commands_back_up_and_restore_the_service_database(tmp_path):
    update = ProgressUpdateFactory(narrative="Before the backup")
    output = StringIO()
    call_command("backup", output=tmp_path / "nightly", stdout=output)
    assert "Backed up to" in output.getvalue()

    update.action.title = "Changed after the backup"
    update.action.save()
    call_command("restore", tmp_path / "nightly", interactive=False, stdout=output)

    update.action.refresh_from_db()
    assert update.action.title != "Changed after the backup"


@pytest.mark.django_db
def test_restoring_a_missing_file_says_so_and_changes_nothing(tmp_path):
    with pytest.raises(CommandError, match="There is no backup file"):
        call_command("restore", tmp_path / "missing", interactive=False)
