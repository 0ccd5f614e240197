from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from core.backups import BackupError, database_backup


class Command(BaseCommand):
    help = "Back up the database to one file (pg_dump on PostgreSQL, the backup API on SQLite)."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="The file to write (default: backups/<time>.<kind>).")
        parser.add_argument("--database", default="default", help="Which database setting to back up.")

    def handle(self, *args, output, database, **options):
        settings_dict = connections[database].settings_dict
        if output is None:
            suffix = "sqlite3" if settings_dict["ENGINE"].endswith("sqlite3") else "dump"
            output = Path(settings.BASE_DIR) / "backups" / f"{datetime.now():%Y-%m-%d-%H%M%S}.{suffix}"
        try:
            path = database_backup(database=settings_dict, path=output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backed up to {path}"))
