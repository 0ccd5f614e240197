from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from core.backups import BackupError, database_restore


class Command(BaseCommand):
    help = "Replace the database's contents with a backup made by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup file.")
        parser.add_argument("--database", default="default", help="Which database setting to restore into.")
        parser.add_argument("--no-input", action="store_false", dest="interactive", help="Do not ask.")

    def handle(self, *args, path, database, interactive, **options):
        settings_dict = connections[database].settings_dict
        if interactive:
            answer = input(f"Replace everything in {settings_dict['NAME']} with {path}? Type 'yes': ")
            if answer.strip() != "yes":
                raise CommandError("Nothing restored.")
        connections[database].close()
        try:
            database_restore(database=settings_dict, path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {settings_dict['NAME']} from {path}"))
