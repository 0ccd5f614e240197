import logging

from core.logging import UTCFormatter


def test_log_lines_start_with_the_time_in_utc_then_level_and_logger():
    record = logging.LogRecord("axes.watch_login", logging.WARNING, __file__, 1, "Locked out", None, None)
    record.created, record.msecs = 1_796_132_707.25, 250

    assert UTCFormatter().format(record) == "2026-12-01T13:45:07.250Z WARNING axes.watch_login Locked out"
