"""Several machines: two gunicorn instances on one PostgreSQL and one Redis, with a task worker beside them.

Each instance is its own process with production settings (DEBUG off, compressed static files, Redis for
the cache and the task queue), as on a node of its own behind a load balancer: they share nothing but
the database and Redis. One browser, with one cookie jar, sends each request to whichever instance the
step names, as a load balancer without sticky sessions may, and signs in, writes a progress update,
imports a large delivery plan and downloads a board paper across them. docs/deploy.md describes the
set-up this stands for.
"""

import csv
import http.cookiejar
import io
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import docx
import lxml.html
import psycopg2
import pytest
import redis
from django_otp.oath import totp

from delivery.imports.columns import COLUMNS
from delivery.imports.services import BACKGROUND_OVER_ROWS
from reports.models import BoardPaperFile

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# The Redis database the test's instances share, emptied before and after.
REDIS_DB = 13
IMPORT_ROWS = 400
WAIT_SECONDS = 120  # how long any step may take before the test gives up: generous, for a busy CI machine

PARTNERSHIP = "Riverside Community Safety Partnership"
SLUG = "riverside"
ADMIN = "river-admin"
ADMIN_PASSWORD = "Correct-Horse-Riverside-2026"
PRIORITY = "Prevention"
AMBITION = "Reduce serious violence"
NARRATIVE = "Knife crime sessions reached 14 schools; written through the second instance."
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# What runs in a subprocess against the test's own database ---------------------------------------


def seed() -> None:
    """Create the partnership the test drives and print what it needs as JSON.

    Run by `manage.py shell` against the test's own database, never by pytest: an administrator with an
    authenticator app (administrators must use two-factor sign-in), an adopted strategy with one action
    the administrator owns, a reporting period open today and a board meeting to publish to.
    """
    from datetime import timedelta

    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from accounts.services import partnership_set_up
    from accounts.two_factor import AUTHENTICATOR_NAME
    from delivery.models import Action, ReportingPeriod
    from meetings.models import Body, Meeting
    from priorities.models import Priority, StrategicAmbition, Strategy

    today = timezone.localdate()
    admin = User.objects.create_user(
        ADMIN, "river.admin@example.org", ADMIN_PASSWORD, first_name="Rosa", last_name="Reed"
    )
    device = TOTPDevice.objects.create(user=admin, name=AUTHENTICATOR_NAME, confirmed=True)
    partnership = partnership_set_up(
        name=PARTNERSHIP,
        short_name="RCSP",
        slug=SLUG,
        organisation_name="Riverside Council",
        organisation_short_name="RC",
        is_responsible_authority=True,
        administrator=admin,
    )
    strategy = Strategy.objects.create(
        partnership=partnership,
        title="Community Safety Strategy",
        starts_on=today - timedelta(days=365),
        ends_on=today + timedelta(days=730),
        status=Strategy.Status.ADOPTED,
    )
    priority = Priority.objects.create(strategy=strategy, order=1, title=PRIORITY, lead=admin)
    ambition = StrategicAmbition.objects.create(priority=priority, order=1, title=AMBITION)
    action = Action.objects.create(
        ambition=ambition,
        order=1,
        title="Run knife crime awareness sessions in schools",
        owner=admin,
        lead_organisation=partnership.organisations.get(),
        starts_on=today - timedelta(days=200),
        due_on=today + timedelta(days=300),
        status=Action.Status.IN_PROGRESS,
    )
    period = ReportingPeriod.objects.create(
        partnership=partnership,
        name="This quarter",
        starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=30),
        update_deadline=today + timedelta(days=40),
        state=ReportingPeriod.State.OPEN,
    )
    body = Body.objects.create(partnership=partnership, name="Partnership board")
    meeting = Meeting.objects.create(
        partnership=partnership, body=body, title="Partnership board", held_on=today + timedelta(days=14)
    )
    print(  # the test reads this line
        json.dumps(
            {
                "strategy": strategy.pk,
                "action": action.pk,
                "period": period.pk,
                "meeting": meeting.pk,
                "totp_key": device.key,
            }
        )
    )


# The browser ------------------------------------------------------------------------------------


@dataclass
class Page:
    """What one request answered, after any redirects."""

    status: int
    url: str
    content_type: str
    body: bytes

    def __str__(self):
        """The answer's status and address, and its page from the main content on, for a failure message."""
        main = max(self.text.find("<main"), 0)
        return f"{self.status} {self.content_type} {self.url}\n{self.text[main : main + 3000]}"

    @property
    def path(self) -> str:
        return urllib.parse.urlsplit(self.url).path

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def form(self, action: str = ""):
        """The page's form that posts to `action` (by default, to the page itself)."""
        wanted = {action} if action else {"", self.path}
        for form in lxml.html.fromstring(self.text).forms:
            if (form.get("action") or "") in wanted:
                return form
        raise AssertionError(f"No form posting to {action or self.path!r} on {self}")


class Browser:
    """One person's browser, with one cookie jar for every instance, following redirects."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, instance: str, path: str) -> Page:
        return self._open(urllib.request.Request(instance + path))  # noqa: S310 - the test's instances

    def submit(self, instance: str, page: Page, fields: dict, *, action: str = "", files=None) -> Page:
        """Fill in a form of `page` as a browser would (its hidden fields, CSRF token and choices as
        they stand, changed by `fields`) and post it to `instance`."""
        form = page.form(action)
        values = [(name, value) for name, value in form.form_values() if name not in fields]
        values += [(name, str(value)) for name, value in fields.items()]
        path = action or page.path
        if files:
            boundary = uuid.uuid4().hex
            body = _multipart(values, files, boundary)
            content_type = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(values).encode()
            content_type = "application/x-www-form-urlencoded"
        return self._open(
            urllib.request.Request(  # noqa: S310 - the test's instances
                instance + path, data=body, headers={"Content-Type": content_type}
            )
        )

    def _open(self, request) -> Page:
        try:
            with self.opener.open(request, timeout=WAIT_SECONDS) as response:
                return Page(
                    response.status, response.url, response.headers.get_content_type(), response.read()
                )
        except urllib.error.HTTPError as error:
            return Page(error.code, error.url, error.headers.get_content_type(), error.read())


def _multipart(values: list[tuple[str, str]], files: dict[str, tuple[str, bytes]], boundary: str) -> bytes:
    parts = []
    for name, value in values:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, data) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: text/csv\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


# The deployment ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_server() -> dict:
    """The PostgreSQL server of DATABASE_URL when the suite runs on PostgreSQL, else the local one."""
    url = os.environ.get("DATABASE_URL", "")
    return dj_database_url.parse(
        url if url.startswith("postgres") else "postgres://sbp@127.0.0.1:5432/postgres"
    )


@pytest.fixture
def database_url():
    """A PostgreSQL database of the test's own, dropped at the end, whoever is still connected."""
    server = _postgres_server()
    name = f"sbp_deploy_{os.getpid()}_{secrets.token_hex(4)}"
    admin = psycopg2.connect(
        dbname="postgres",
        user=server["USER"],
        password=server["PASSWORD"] or None,
        host=server["HOST"],
        port=server["PORT"] or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        credentials = server["USER"] + (f":{server['PASSWORD']}" if server["PASSWORD"] else "")
        yield f"postgres://{credentials}@{server['HOST']}:{server['PORT'] or 5432}/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def redis_url():
    """Redis database REDIS_DB of the local server, empty at the start and emptied at the end."""
    url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


class Deployment:
    """The processes of the deployment (each in a process group of its own), their environment and logs."""

    def __init__(self, *, database_url: str, redis_url: str, workdir: Path):
        self.workdir = workdir
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TASKS_BACKEND", "DEBUG"}},
            "DJANGO_SETTINGS_MODULE": "sbp.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL": "0",  # plain HTTP on loopback; in production TLS ends at the load balancer
            "SECURITY_CONTACT": "mailto:security@example.org",
            "SITE_URL": "http://127.0.0.1",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "MEDIA_ROOT": str(workdir / "media"),
            "PYTHONUNBUFFERED": "1",
        }
        self.processes: dict[str, subprocess.Popen] = {}
        self.instances: list[str] = []
        self.seeded: dict = {}

    def manage(self, *args: str) -> str:
        """Run a management command to the end, as a release step does; return what it printed."""
        done = subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        assert done.returncode == 0, (
            f"manage.py {args[0]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
        return done.stdout

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        with (self.workdir / f"{name}.log").open("wb") as log:
            process = subprocess.Popen(  # noqa: S603 - fixed arguments
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes[name] = process
        return process

    def start_instance(self) -> None:
        """A gunicorn instance on a free port, as on a node of its own (so no control socket shared)."""
        port = _free_port()
        number = len(self.instances) + 1
        self.start(
            f"gunicorn-{number}",
            [
                str(BIN / "gunicorn"),
                "sbp.wsgi",
                f"--bind=127.0.0.1:{port}",
                "--workers=2",
                "--preload",
                "--timeout=120",
                "--no-control-socket",
            ],
        )
        self.instances.append(f"http://127.0.0.1:{port}")

    def start_worker(self) -> None:
        self.start(
            "rqworker",
            [sys.executable, "manage.py", "rqworker", "--job-class", "django_tasks_rq.Job", "default"],
        )

    def wait_until_serving(self) -> None:
        """Wait until every instance's /healthz answers 200, as a load balancer waits before sending it
        anyone; the test then reads what each says."""
        deadline = time.monotonic() + WAIT_SECONDS
        waiting = list(self.instances)
        while waiting and time.monotonic() < deadline:
            for name, process in self.processes.items():
                assert process.poll() is None, f"{name} stopped.\n{self.logs()}"
            try:
                urllib.request.urlopen(waiting[0] + "/healthz", timeout=5).close()  # noqa: S310 - loopback
                waiting.pop(0)
            except OSError:  # not listening yet, or answering 503 (urllib's HTTPError is an OSError)
                time.sleep(0.2)
        assert not waiting, f"{waiting} never answered /healthz with 200.\n{self.logs()}"

    def kept_papers(self, report_id: int) -> dict[str, bytes]:
        """The board paper files kept in the database for a published report, by extension."""
        with psycopg2.connect(self.env["DATABASE_URL"]) as connection, connection.cursor() as cursor:
            cursor.execute(
                f"SELECT extension, content FROM {BoardPaperFile._meta.db_table} WHERE report_id = %s",  # noqa: S608 - the model's own table
                [report_id],
            )
            found = {extension: bytes(content) for extension, content in cursor.fetchall()}
        connection.close()
        return found

    def stop(self) -> None:
        """Stop every process and its children: politely, then by force after 10 seconds."""
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name} ---\n{path.read_text(errors='replace')[-2500:]}"
            for path in sorted(self.workdir.glob("*.log"))
        )


@pytest.fixture
def deployment(database_url, redis_url, tmp_path):
    """A release (static files collected, the database migrated), then two instances and one task
    worker, with the partnership seeded; every process is stopped at the end, whatever happens.

    The static files are collected first, as they are built into a release before any node runs it
    (each instance reads their manifest once, when it starts). The instances and the worker then start
    while the database migrates, as new nodes boot while a release runs; nothing asks them for a page
    until the migration and the seed are done. Their logs are printed, so a failure shows them.
    """
    deployment = Deployment(database_url=database_url, redis_url=redis_url, workdir=tmp_path)
    try:
        deployment.manage("collectstatic", "--no-input")
        deployment.start_instance()
        deployment.start_instance()
        deployment.start_worker()
        deployment.manage("migrate", "--no-input")
        seeded = deployment.manage("shell", "-c", "from tests.deploy.test_two_instances import seed; seed()")
        deployment.seeded = json.loads(seeded.strip().splitlines()[-1])
        deployment.wait_until_serving()
        yield deployment
    finally:
        deployment.stop()
        print(deployment.logs())


# The journey ------------------------------------------------------------------------------------


def sign_in(browser: Browser, instance: str, totp_key: str) -> Page:
    """Sign in with the password, then the authenticator app's code, as an administrator must."""
    login = browser.get(instance, "/accounts/login/")
    code_page = browser.submit(instance, login, {"username": ADMIN, "password": ADMIN_PASSWORD})
    assert code_page.path == "/accounts/two-factor/", str(code_page)
    return browser.submit(instance, code_page, {"code": f"{totp(bytes.fromhex(totp_key)):06d}"})


def plan_csv(count: int) -> bytes:
    """A delivery plan file of `count` new actions under the seeded ambition, in the template's columns."""
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=[column.heading for column in COLUMNS])
    writer.writeheader()
    for n in range(2, count + 2):
        writer.writerow(
            {
                "Reference": f"1.1.{n}",
                "Priority": PRIORITY,
                "Strategic ambition": AMBITION,
                "Action": f"Imported action {n}",
                "Owner email": "river.admin@example.org",
                "Due date": "31/03/2028",
                "Status": "In progress",
            }
        )
    return output.getvalue().encode()


def wait_for(fetch, done, *, what: str, deployment: Deployment):
    """Fetch until `done(answer)` holds, or fail after WAIT_SECONDS with the last answer and the logs."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        answer = fetch()
        if done(answer) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert done(answer), f"{what}; the last answer:\n{answer}\n{deployment.logs()}"
    return answer


def test_two_instances_share_sessions_updates_import_progress_and_board_papers(deployment):
    one, two = deployment.instances
    seeded = deployment.seeded
    base = f"/p/{SLUG}"
    browser = Browser()

    # Both instances report the database, the shared cache and the task queue as working.
    for instance in (one, two):
        health = browser.get(instance, "/healthz")
        assert json.loads(health.body) == {"status": "ok", "database": "ok", "cache": "ok", "tasks": "ok"}, (
            health.text
        )

    # Signed in on the first instance (password and code), the session works on the second.
    signed_in = sign_in(browser, one, seeded["totp_key"])
    assert signed_in.status == 200 and signed_in.path == f"{base}/", str(signed_in)
    plan_page = browser.get(two, f"{base}/")
    assert plan_page.status == 200 and plan_page.path == f"{base}/", str(plan_page)
    assert PARTNERSHIP in plan_page.text

    # A progress update written through the second instance is read through the first.
    action = f"{base}/actions/{seeded['action']}/"
    update = f"{action}update/{seeded['period']}/"
    saved = browser.submit(
        two,
        browser.get(two, update),
        {
            "rating": "amber",
            "percent_complete": 40,
            "narrative": NARRATIVE,
            "issues_and_risks": "Two schools have not replied.",
            "mitigation": "The schools officer visits them this month.",
        },
        action=update,
    )
    assert saved.status == 200 and saved.path == action, str(saved)
    assert NARRATIVE in browser.get(one, action).text

    # A large import sent to the first instance runs on the worker; the second shows its progress.
    assert IMPORT_ROWS > BACKGROUND_OVER_ROWS
    upload = browser.get(one, f"{base}/actions/import/")
    preview = browser.submit(
        one, upload, {"strategy": seeded["strategy"]}, files={"file": ("plan.csv", plan_csv(IMPORT_ROWS))}
    )
    assert "imported in the background" in preview.text, str(preview)
    confirmed = browser.submit(one, preview, {})
    assert confirmed.path == preview.path, str(confirmed)
    imported = wait_for(
        lambda: browser.get(two, preview.path),
        lambda page: "Delivery plan imported" in page.text,
        what="The import never finished",
        deployment=deployment,
    )
    assert f"{IMPORT_ROWS} created, 0 updated" in imported.text, str(imported)
    assert "Delivery plan imported" in browser.get(one, preview.path).text

    # An exception report published through the second instance: the worker renders its board papers
    # once and keeps them, and either instance serves the kept Word file, which opens and holds the update.
    report_page = browser.get(two, f"{base}/reports/exceptions/?period={seeded['period']}")
    published = browser.submit(
        two, report_page, {"meeting": seeded["meeting"]}, action=f"{base}/reports/exceptions/publish/"
    )
    assert published.status == 200 and published.path.startswith(f"{base}/reports/published/"), str(published)
    report_id = int(published.path.rstrip("/").rsplit("/", 1)[1])
    kept = wait_for(
        lambda: deployment.kept_papers(report_id),
        lambda papers: set(papers) == {"docx", "pdf"},
        what="The worker never kept the board papers",
        deployment=deployment,
    )
    paper_path = f"{base}/reports/published/{report_id}.docx"
    for instance in (one, two):
        paper = browser.get(instance, paper_path)
        assert paper.status == 200 and paper.content_type == WORD, str(paper)
        assert paper.body == kept["docx"]
    document = docx.Document(io.BytesIO(kept["docx"]))
    words = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    assert PARTNERSHIP in words and NARRATIVE in words
