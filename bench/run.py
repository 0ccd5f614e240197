"""`make bench`: page times against the time of their own SQL, query counts, and a short load test.

Builds a large synthetic partnership in its own database (a SQLite file unless DATABASE_URL is set),
then, signed in as its administrator:
1. opens each main page and download several times through Django's test client, and reports the
   median time, the number of queries and the time spent in SQL;
2. serves the project with gunicorn on 127.0.0.1 and sends a bounded number of requests from a few
   threads, reporting throughput and latency percentiles.
Nothing here asserts a time: it measures, so a change can be compared with the last run.
"""

import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(database_url: str) -> None:
    """Production settings (DEBUG off, compressed static files) on the bench database."""
    os.environ["DEBUG"] = "0"
    os.environ["SECRET_KEY"] = "bench-only-secret-" + "x" * 40
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    os.environ["SECURE_SSL"] = "0"  # gunicorn serves plain HTTP on loopback
    os.environ.setdefault("SECURITY_CONTACT", "mailto:security@localhost")
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sbp.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build(*, actions: int, periods: int) -> dict:
    """A partnership with `actions` actions over 3 priorities and 12 ambitions, updated every period."""
    from accounts.models import Membership, Organisation, User
    from accounts.services import partnership_create
    from core.ratings import Rating
    from delivery.models import Action, Milestone, ProgressUpdate, ReportingPeriod
    from meetings.models import Body, Meeting
    from priorities.models import Priority, StrategicAmbition, Strategy

    partnership = partnership_create(name="Bench Partnership", slug="bench")
    organisation = Organisation.objects.create(partnership=partnership, name="Bench Council", short_name="BC")
    admin = User.objects.create_user("bench-admin", "bench-admin@example.org", "bench-password-2024")
    Membership.objects.create(
        user=admin, partnership=partnership, organisation=organisation, role=Membership.Role.ADMINISTRATOR
    )
    owners = User.objects.bulk_create(
        [
            User(username=f"owner{i}", email=f"owner{i}@example.org", first_name="Owner", last_name=str(i))
            for i in range(40)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, partnership=partnership, organisation=organisation) for u in owners]
    )
    strategy = Strategy.objects.create(
        partnership=partnership,
        title="Bench Strategy",
        starts_on=datetime.date(2024, 4, 1),
        ends_on=datetime.date(2030, 3, 31),
        status=Strategy.Status.ADOPTED,
    )
    ambitions = []
    for p in range(1, 4):
        priority = Priority.objects.create(strategy=strategy, order=p, title=f"Priority {p}", lead=admin)
        ambitions += [
            StrategicAmbition.objects.create(priority=priority, order=a, title=f"Ambition {p}.{a}")
            for a in range(1, 5)
        ]
    per_ambition = -(-actions // len(ambitions))
    created = Action.objects.bulk_create(
        [
            Action(
                ambition=ambitions[i // per_ambition],
                order=i % per_ambition + 1,
                title=f"Action {i}",
                owner=owners[i % len(owners)] if i % 10 else admin,
                starts_on=datetime.date(2024, 4, 1),
                due_on=datetime.date(2025 + i % 4, 3, 31),
                status=Action.Status.IN_PROGRESS,
            )
            for i in range(actions)
        ]
    )
    Milestone.objects.bulk_create(
        [Milestone(action=a, title="Milestone", due_on=datetime.date(2025, 6, 30)) for a in created[::3]]
    )
    quarters = []
    start = datetime.date(2024, 4, 1)
    for q in range(periods):
        ends = (start.replace(day=28) + datetime.timedelta(days=70)).replace(day=1) - datetime.timedelta(
            days=1
        )
        quarters.append(
            ReportingPeriod.objects.create(
                partnership=partnership,
                name=f"Q{q % 4 + 1} {2024 + (q + 3) // 4 - 1}",
                starts_on=start,
                ends_on=ends,
                update_deadline=ends + datetime.timedelta(days=30),
                state=ReportingPeriod.State.OPEN if q == periods - 1 else ReportingPeriod.State.LOCKED,
            )
        )
        start = ends + datetime.timedelta(days=1)
    ratings = [Rating.RED, Rating.AMBER, Rating.GREEN, Rating.GREEN, Rating.BLUE, Rating.NOT_RATED]
    submitted = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    for period in quarters:
        ProgressUpdate.objects.bulk_create(
            [
                ProgressUpdate(
                    action=a,
                    period=period,
                    rating=ratings[(a.pk + period.pk) % len(ratings)],
                    percent_complete=(a.pk * 7) % 100,
                    narrative="Progress as planned. " * 5,
                    mitigation="Extra resource agreed.",
                    board_ask="Agree the funding." if a.pk % 17 == 0 else "",
                    author=a.owner,
                    submitted_at=submitted,
                )
                for a in created
            ]
        )
    body = Body.objects.create(partnership=partnership, name="Bench board")
    Meeting.objects.create(
        partnership=partnership, title="Bench board", body=body, held_on=datetime.date(2030, 1, 1)
    )
    return {"admin": admin, "partnership": partnership, "action": created[0]}


def measure_pages(data: dict, repeats: int) -> list[tuple]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(data["admin"])
    slug = data["partnership"].slug
    pk = data["action"].pk
    pages = {
        "plan on a page": reverse("reports:plan", kwargs={"slug": slug}),
        "my actions": reverse("delivery:my_actions", kwargs={"slug": slug}),
        "delivery plan": reverse("delivery:action_list", kwargs={"slug": slug}),
        "delivery plan, red, by due": reverse("delivery:action_list", kwargs={"slug": slug})
        + "?rating=red&sort=due",
        "action": reverse("delivery:action_detail", kwargs={"slug": slug, "pk": pk}),
        "update form": reverse("delivery:progress_update", kwargs={"slug": slug, "pk": pk}),
        "exception report": reverse("reports:exception_report", kwargs={"slug": slug}),
        "exception report .csv": reverse(
            "reports:exception_report_download", kwargs={"slug": slug, "extension": "csv"}
        ),
        "exception report .docx": reverse(
            "reports:exception_report_download", kwargs={"slug": slug, "extension": "docx"}
        ),
        "exception report .pdf": reverse(
            "reports:exception_report_download", kwargs={"slug": slug, "extension": "pdf"}
        ),
    }
    results = []
    for name, url in pages.items():
        times, sql = [], []
        for _ in range(repeats):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{name} answered {response.status_code}")
            sql.append(sum(float(q["time"]) for q in queries.captured_queries))
        results.append(
            (name, len(queries), statistics.median(times), statistics.median(sql), len(response.content))
        )
    return results


def load_test(database_url: str, data: dict, *, requests: int, threads: int) -> dict:
    """Serve with gunicorn on a free loopback port and send a bounded number of requests."""
    import socket

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(data["admin"].pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = data["admin"].get_session_auth_hash()
    session.create()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": database_url}
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "sbp.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}/p/{data['partnership'].slug}/"
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        latencies, errors = [], []
        lock = threading.Lock()

        def worker(count):
            request = urllib.request.Request(
                url, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}
            )
            for _ in range(count):
                started = time.perf_counter()
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
                        response.read()
                        ok = response.status == 200
                except OSError as error:
                    ok = False
                    errors.append(str(error))
                with lock:
                    latencies.append(time.perf_counter() - started) if ok else None

        started = time.perf_counter()
        pool = [threading.Thread(target=worker, args=(requests // threads,)) for _ in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=10)
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "per_second": len(latencies) / elapsed if elapsed else 0,
        "p50": latencies[len(latencies) // 2] if latencies else 0,
        "p95": latencies[int(len(latencies) * 0.95) - 1] if latencies else 0,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=500)
    parser.add_argument("--periods", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="sbp-bench-"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    setup_django(database_url)
    from django.core.management import call_command

    if database_url.startswith("postgres"):
        call_command("flush", "--no-input", verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    started = time.perf_counter()
    data = build(actions=args.actions, periods=args.periods)
    print(
        f"Built {args.actions} actions x {args.periods} periods in {time.perf_counter() - started:.1f}s ({database_url.split(':')[0]})"
    )

    print(f"\n{'page':32} {'queries':>7} {'median ms':>10} {'SQL ms':>8} {'other ms':>9} {'KB':>7}")
    for name, queries, median, sql, size in measure_pages(data, args.repeats):
        print(
            f"{name:32} {queries:7} {median * 1000:10.1f} {sql * 1000:8.1f} {(median - sql) * 1000:9.1f} {size / 1024:7.0f}"
        )

    load = load_test(database_url, data, requests=args.requests, threads=args.threads)
    print(
        f"\ngunicorn, 2 workers, {args.threads} client threads, plan on a page: {load['requests']} requests, "
        f"{load['errors']} errors, {load['per_second']:.1f} requests/s, p50 {load['p50'] * 1000:.0f} ms, "
        f"p95 {load['p95'] * 1000:.0f} ms"
    )
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
