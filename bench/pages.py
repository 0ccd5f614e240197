"""Each key page measured in-process: its queries, its time over warm requests, and its floor.

The floor is what the page could not do without: its own SQL, captured from one request, replayed on
the database's raw cursor (inside a transaction rolled back, so that a form's writes replay too), plus
one bare template loop that prints each row that SQL returned. R, the page's time over
its floor, says how much of the page is Python and templates on top of the data it needs.
"""

import contextlib
import math
import statistics
import time
from dataclasses import dataclass
from html.parser import HTMLParser

# Transaction control: the replay runs in a transaction of its own, so these are left out of it.
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN", "COMMIT")
BARE_LOOP = "{% for row in rows %}{{ row }}\n{% endfor %}"
FLOOR_REPEATS = 20
WARM_UP = 2
# A task queue that keeps what is enqueued, as one waiting for its worker does.
QUEUE_KEEPING = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
FILE_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "csv": "text/csv",
}


@dataclass(frozen=True)
class Page:
    """A page as a person opens it: who, where, and what kind of page it is."""

    name: str
    who: str
    """Which signed-in person opens it: "administrator", "officer" or "board_member"."""
    path: str
    kind: str
    """list, report, detail, form or download: the goals differ by kind."""
    paginates: bool = False
    method: str = "GET"
    post_data: dict | None = None
    file_type: str = ""
    """The file a download answers with (a key of FILE_TYPES); empty for an HTML page."""
    queued: bool = False
    """Opened with a task queue that keeps what is enqueued for a worker (as in production), instead of
    the bench's running each task as it is enqueued."""
    follows: str = ""
    """The text of a link on the page that is followed after its first request, and measured from then
    on: "Check progress" is how a person checks on a draft being made."""

    @property
    def is_download(self) -> bool:
        return bool(self.file_type)


def key_pages(built) -> list[Page]:
    """The pages the bench measures, on the large partnership `built` (demo.scale.Built)."""
    from django.urls import reverse

    slug = built.partnership.slug
    action, period = built.action.pk, built.open_period.pk
    report = built.partnership.exception_reports.get().pk

    def url(name, **kwargs):
        return reverse(name, kwargs={"slug": slug, **kwargs})

    def exception_download(extension):
        return url("reports:exception_report_download", extension=extension)

    def published_download(extension):
        return url("reports:published_report_download", pk=report, extension=extension)

    update = {
        "rating": "green",
        "percent_complete": "60",
        "narrative": "Partners agreed the timetable and the pilot started on time.",
        "issues_and_risks": "",
        "mitigation": "",
        "board_ask": "",
        "exceptional_performance_reason": "",
        "submit": "Submit update",
    }
    return [
        Page("plan on a page", "administrator", url("reports:plan"), "report"),
        Page("my actions", "officer", url("delivery:my_actions"), "list", paginates=True),
        Page("delivery plan", "administrator", url("delivery:action_list"), "list", paginates=True),
        Page(
            "delivery plan, page 8, by due date",
            "administrator",
            url("delivery:action_list") + "?sort=due&page=8",
            "list",
            paginates=True,
        ),
        Page("action", "officer", url("delivery:action_detail", pk=action), "detail"),
        Page("update form", "officer", url("delivery:progress_update", pk=action), "form"),
        Page(
            "update form, submit",
            "officer",
            url("delivery:progress_update", pk=action),
            "form",
            method="POST",
            post_data=update,
        ),
        Page(
            "period status",
            "administrator",
            url("delivery:period_detail", pk=period),
            "report",
            paginates=True,
        ),
        Page("exception report", "administrator", url("reports:exception_report"), "report"),
        Page(
            "exception report .csv", "administrator", exception_download("csv"), "download", file_type="csv"
        ),
        Page(
            "exception report .docx",
            "administrator",
            exception_download("docx"),
            "download",
            file_type="docx",
        ),
        Page(
            "exception report .pdf", "administrator", exception_download("pdf"), "download", file_type="pdf"
        ),
        # The board member's draft (its cover says "Draft") is not the administrator's measured above.
        Page(
            "exception report .pdf, being made",
            "board_member",
            exception_download("pdf"),
            "progress",
            queued=True,
        ),
        Page(
            "exception report .pdf, checked again",
            "board_member",
            exception_download("pdf"),
            "progress",
            queued=True,
            follows="Check progress",
        ),
        Page("published report", "board_member", url("reports:published_report", pk=report), "report"),
        Page(
            "published report .docx", "board_member", published_download("docx"), "download", file_type="docx"
        ),
        Page("published report .pdf", "board_member", published_download("pdf"), "download", file_type="pdf"),
        Page("meeting", "administrator", url("meetings:meeting_detail", pk=built.meeting.pk), "detail"),
        Page("risk register", "administrator", url("risks:register"), "list"),
        Page("indicators", "administrator", url("indicators:indicator_list"), "list"),
    ]


class HiddenInputs(HTMLParser):
    """The names and values of a page's hidden inputs (CSRF token, versions), as a browser posts them."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.values[attributes["name"]] = attributes.get("value") or ""


class Links(HTMLParser):
    """The addresses of a page's links, by their text."""

    def __init__(self):
        super().__init__()
        self.links: dict[str, str] = {}
        self.href: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.href = dict(attrs).get("href")

    def handle_data(self, data):
        if self.href is not None and data.strip():
            self.links.setdefault(data.strip(), self.href)

    def handle_endtag(self, tag):
        if tag == "a":
            self.href = None


def link_of(html: str, text: str) -> str | None:
    parser = Links()
    parser.feed(html)
    return parser.links.get(text)


def hidden_inputs(html: str) -> dict[str, str]:
    parser = HiddenInputs()
    parser.feed(html)
    return parser.values


def percentile(times: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest time that `share` of the requests took at most."""
    ordered = sorted(times)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class Requester:
    """Opens a page as its person would, so that a form is posted with the hidden inputs (CSRF token and
    versions) of the form as it stands just before."""

    def __init__(self, client, page: Page):
        self.client, self.page, self.path = client, page, page.path

    def prepare(self) -> dict | None:
        """What the next request posts (read from a fresh copy of the form, untimed), or None for a GET."""
        if self.page.method != "POST":
            return None
        form = self.client.get(self.path)
        return {**hidden_inputs(form.content.decode()), **self.page.post_data}

    def send(self, data: dict | None):
        if data is not None:
            return self.client.post(self.path, data)
        return self.client.get(self.path, follow=self.page.is_download)

    def problem(self, response) -> str:
        """Why the response is not what the page should answer, or ""."""
        expected = 302 if self.page.method == "POST" else 200
        if response.status_code != expected:
            return f"answered {response.status_code}, not {expected}"
        if self.page.is_download:
            content_type = response.get("Content-Type", "")
            if not content_type.startswith(FILE_TYPES[self.page.file_type]):
                return f"answered {content_type or 'no content type'}, not a .{self.page.file_type} file"
        return ""


def captured_sql(requester: Requester) -> tuple[list[tuple], object, float]:
    """The statements one request runs, with their parameters; the response; and how long the request
    took (reading the form it posts, before it, not counted). It is opened as within a minute of the
    person's last recorded activity, as tests open pages (accounts.sessions), so that its count does not
    depend on how long the requests before it took."""
    from django.db import connection

    from accounts.sessions import LAST_ACTIVITY_AT

    session = requester.client.session
    session[LAST_ACTIVITY_AT] = time.time()
    session.save()

    statements = []

    def capture(execute, sql, params, many, context):
        if many:
            params = list(params)
        statements.append((sql, params, many))
        return execute(sql, params, many, context)

    data = requester.prepare()
    with connection.execute_wrapper(capture):
        started = time.perf_counter()
        response = requester.send(data)
        seconds = time.perf_counter() - started
    return statements, response, seconds


class Rollback(Exception):
    """Raised to end the replay's transaction without keeping its writes."""


def floor_of(statements: list[tuple]) -> dict:
    """The median time of replaying the statements on the raw cursor and of the bare loop over their
    rows, over FLOOR_REPEATS runs."""
    from django.db import connection, transaction
    from django.template import engines

    loop = engines["django"].from_string(BARE_LOOP)
    replayed = [s for s in statements if not s[0].lstrip().upper().startswith(TRANSACTION_CONTROL)]
    sql_times, loop_times = [], []
    for _ in range(FLOOR_REPEATS):
        rows = []
        started = time.perf_counter()
        try:
            with transaction.atomic():
                cursor = connection.create_cursor()
                for sql, params, many in replayed:
                    if many:
                        cursor.executemany(sql, params)
                    else:
                        cursor.execute(sql, params)
                    if cursor.description is not None:
                        rows.extend(cursor.fetchall())
                cursor.close()
                sql_times.append(time.perf_counter() - started)
                raise Rollback
        except Rollback:
            pass
        started = time.perf_counter()
        loop.render({"rows": rows})
        loop_times.append(time.perf_counter() - started)
    return {
        "sql_ms": statistics.median(sql_times) * 1000,
        "loop_ms": statistics.median(loop_times) * 1000,
        "rows": len(rows),
    }


def page_measure(client, page: Page, *, repeats: int, budget: float, at_least: int) -> dict:
    """Open the page once cold, then twice to warm it and once to capture its SQL (a download: its cold
    request is its warm-up, and the request capturing its SQL is timed too); then `repeats` times timed,
    or fewer (but `at_least`) once `budget` seconds have gone on them; then its floor. A download's cold
    request counts towards its budget. A page that answers wrongly is reported with the answer and
    measured no further."""
    from django.test import override_settings

    with override_settings(TASKS=QUEUE_KEEPING) if page.queued else contextlib.nullcontext():
        return _page_measure(client, page, repeats=repeats, budget=budget, at_least=at_least)


def _page_measure(client, page: Page, *, repeats: int, budget: float, at_least: int) -> dict:
    from django.db import DatabaseError, connection

    requester = Requester(client, page)
    result = {"name": page.name, "kind": page.kind, "paginates": page.paginates, "path": page.path}
    statements, response, seconds = captured_sql(requester)
    result["first_ms"] = seconds * 1000
    if problem := requester.problem(response):
        return {**result, "error": problem}
    if page.follows:
        requester.path = link_of(response.content.decode(), page.follows)
        if requester.path is None:
            return {**result, "error": f'has no link "{page.follows}"'}
        result["path"] = requester.path
    times = []
    if page.is_download:  # the cold request was its warm-up: the next is captured, and timed
        statements, response, warm = captured_sql(requester)
        if problem := requester.problem(response):
            return {**result, "error": problem}
        times.append(warm)
    else:
        for _ in range(WARM_UP):
            requester.send(requester.prepare())
        statements, response, _ = captured_sql(requester)
    result["queries"] = len(statements)
    result["bytes"] = len(response.content)
    spent = seconds if page.is_download else 0
    while len(times) < repeats and (len(times) < at_least or spent + sum(times) < budget):
        data = requester.prepare()
        started = time.perf_counter()
        response = requester.send(data)
        times.append(time.perf_counter() - started)
        if problem := requester.problem(response):
            return {**result, "error": problem}
    result["requests"] = len(times)
    p50 = statistics.median(times) * 1000
    result.update(p50_ms=p50, p95_ms=percentile(times, 0.95) * 1000)
    try:
        floor = floor_of(statements)
    except (DatabaseError, connection.Database.Error) as error:  # the raw cursor's own errors too
        return {**result, "floor_error": f"its SQL did not replay: {error}"}
    floor_ms = floor["sql_ms"] + floor["loop_ms"]
    return {**result, "floor": floor, "floor_ms": floor_ms, "r": p50 / floor_ms if floor_ms else None}
