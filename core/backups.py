"""Back up the service's database to one file and restore it, on PostgreSQL or SQLite.

PostgreSQL uses its own tools (pg_dump's custom format, pg_restore), so a backup restores into any
PostgreSQL 15 or later; SQLite uses its online backup API, which copies a consistent snapshot while
the service runs.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path


class BackupError(Exception):
    """A backup or restore could not be made; the message says why."""


def _is_sqlite(database: dict) -> bool:
    return database["ENGINE"] == "django.db.backends.sqlite3"


def _postgres_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(f"{name} is not installed: install PostgreSQL's client tools (postgresql-client).")
    return tool


def _postgres_arguments(database: dict) -> tuple[list[str], dict]:
    """Connection arguments for PostgreSQL's tools, with the password passed in the environment."""
    arguments = ["--dbname", database["NAME"]]
    if database.get("HOST"):
        arguments += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        arguments += ["--port", str(database["PORT"])]
    if database.get("USER"):
        arguments += ["--username", database["USER"]]
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return arguments, env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{Path(command[0]).name} failed")


def database_backup(*, database: dict, path: Path) -> Path:
    """Write a consistent copy of the database to path and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if _is_sqlite(database):
        with sqlite3.connect(database["NAME"]) as source, sqlite3.connect(path) as target:
            source.backup(target)
        return path
    arguments, env = _postgres_arguments(database)
    _run([_postgres_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(path), *arguments], env)
    return path


def database_restore(*, database: dict, path: Path) -> None:
    """Replace the database's contents with the backup at path."""
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    if _is_sqlite(database):
        with sqlite3.connect(path) as source, sqlite3.connect(database["NAME"]) as target:
            source.backup(target)
        return
    arguments, env = _postgres_arguments(database)
    _run(
        [
            _postgres_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *arguments,
            str(path),
        ],
        env,
    )
