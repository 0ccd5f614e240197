"""`python -m bench.import_bomb`: peak memory of reading the shared-string import bomb (issue 8).

The bomb is the finding's 28 KB .xlsx: 1,000 rows x 13 cells all pointing at one 10,000-character
shared string. Reading it is measured with tracemalloc twice: with the import's text limits, and
with the total-text limit lifted (as before the limits existed). Nothing is asserted: it measures.

Reading alone stays small either way (every cell shares one string object); the cost came after,
when the 130 million characters were checked, turned into JSON, saved and shown. Measured on the
whole upload request (Django test client, SQLite, tracemalloc, issue 8): 26 MiB peak with the
limits, refused at row 17 and nothing saved; 418 MiB traced without the total-text limit, with a
130 MB preview row saved (the finding saw 2.3 GB resident on the server).
"""

import os
import tracemalloc

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sbp.settings")
    django.setup()
    from django.core.exceptions import ValidationError

    from delivery.imports import reading as imports
    from tests.delivery.test_plan_import import shared_string_bomb

    def peak_of_reading(label: str) -> None:
        bomb = shared_string_bomb()
        tracemalloc.start()
        try:
            plan_file = imports.plan_file_read(file=bomb)
            outcome = f"read {len(plan_file.rows):,} rows"
        except ValidationError as error:
            outcome = f"refused: {error.message_dict['file'][0]}"
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{label}: {bomb.size:,} bytes of file, peak {peak / 1024 / 1024:.1f} MiB, {outcome}")

    peak_of_reading("With the limits")
    imports.MAX_TEXT_CHARACTERS = 10**12
    peak_of_reading("Without the total-text limit")


if __name__ == "__main__":
    main()
