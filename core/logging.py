"""Log lines that say when in UTC, how serious, and from where, whatever machine writes them."""

import logging
import time


class UTCFormatter(logging.Formatter):
    """`2026-12-01T13:45:07.123Z WARNING axes.watch_login ...`: an ISO 8601 time in UTC, level, logger."""

    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")
