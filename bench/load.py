"""A bounded load run: gunicorn with 3 workers on loopback, and locust's signed-in journey for a fixed time.

The throughput is compared with the CPU ceiling: the requests per second the machine's cores would
serve if they did nothing but this work, which is the number of cores over the CPU seconds gunicorn's
processes spent on each request (read from /proc over the measured run only, after a warm-up).
"""

import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.environment import ROOT, bench_environment, session_cookie

WORKERS = 3
TICKS = os.sysconf("SC_CLK_TCK")
WARM_UP_ROUNDS = WORKERS  # gunicorn hands the requests to its workers in turn, roughly
PLAN_PAGES = 5  # the delivery plan's first pages, which people page through


def journey_of(built, *, people: int) -> dict:
    """Each simulated person's session and pages: the officers of the large partnership, each with the
    reading pages, their own actions' pages, and their own live actions to submit updates to."""
    from django.urls import reverse

    from accounts.models import Membership, User
    from delivery.models import Action

    slug = built.partnership.slug
    reading = [
        reverse("reports:plan", kwargs={"slug": slug}),
        reverse("delivery:my_actions", kwargs={"slug": slug}),
        *(
            reverse("delivery:action_list", kwargs={"slug": slug}) + f"?page={n}"
            for n in range(1, PLAN_PAGES + 1)
        ),
        reverse("reports:exception_report", kwargs={"slug": slug}),
        reverse("meetings:meeting_detail", kwargs={"slug": slug, "pk": built.meeting.pk}),
        reverse("risks:register", kwargs={"slug": slug}),
        reverse("indicators:indicator_list", kwargs={"slug": slug}),
    ]
    officers = User.objects.filter(
        memberships__partnership=built.partnership, memberships__role=Membership.Role.OFFICER
    ).order_by("pk")[:people]
    journey = []
    for officer in officers:
        owned = list(
            Action.objects.for_partnership(built.partnership)
            .filter(owner=officer, ambition__priority__strategy=built.strategy)
            .active()
            .values_list("pk", flat=True)
        )
        name, value = session_cookie(officer)
        journey.append(
            {
                "cookie_name": name,
                "cookie": value,
                "reading": reading,
                "action_pages": [
                    reverse(view, kwargs={"slug": slug, "pk": pk})
                    for pk in owned
                    for view in ("delivery:action_detail", "delivery:progress_update")
                ],
                "submits": [
                    reverse("delivery:progress_update", kwargs={"slug": slug, "pk": pk}) for pk in owned
                ],
            }
        )
    return {"people": journey}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) a process and the children it has waited for have used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / TICKS  # utime, stime, cutime, cstime


def gunicorn_processes(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [master, *map(int, children)]


def wait_until_serving(base: str, server: subprocess.Popen) -> None:
    for _ in range(100):
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped before serving")
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310 - loopback only
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start serving")


def warm_up(base: str, journey: dict) -> None:
    """Open every reading page a few times, so each worker has compiled its templates before the run."""
    person = journey["people"][0]
    for _ in range(WARM_UP_ROUNDS):
        for path in [*person["reading"], *person["action_pages"][:2]]:
            request = urllib.request.Request(  # noqa: S310 - loopback only
                base + path, headers={"Cookie": f"{person['cookie_name']}={person['cookie']}"}
            )
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback only
                response.read()


def aggregated(stats_csv: Path) -> dict:
    """Locust's totals over every request of the run."""
    with stats_csv.open() as file:
        row = next(r for r in csv.DictReader(file) if r["Name"] == "Aggregated")
    return {
        "requests": int(row["Request Count"]),
        "errors": int(row["Failure Count"]),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
    }


def load_run(database_url: str, built, *, seconds: int, users: int) -> dict:
    """Serve with gunicorn, run locust's journey with `users` people for `seconds`, and report."""
    with tempfile.TemporaryDirectory(prefix="sbp-load-") as workdir:
        journey = journey_of(built, people=users)
        journey_file = Path(workdir) / "journey.json"
        journey_file.write_text(json.dumps(journey))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = bench_environment(database_url)
        server = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "sbp.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(WORKERS),
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            wait_until_serving(base, server)
            warm_up(base, journey)
            processes = gunicorn_processes(server.pid)
            cpu_before = sum(cpu_seconds(pid) for pid in processes)
            started = time.perf_counter()
            locust = subprocess.run(  # noqa: S603 - fixed arguments
                [
                    str(Path(sys.executable).parent / "locust"),
                    "-f",
                    str(ROOT / "bench" / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(users),
                    "--spawn-rate",
                    str(users),
                    "--run-time",
                    f"{seconds}s",
                    "--host",
                    base,
                    "--csv",
                    str(Path(workdir) / "load"),
                    "--only-summary",
                    "--loglevel",
                    "ERROR",
                ],
                cwd=ROOT,
                env={**env, "BENCH_JOURNEY": str(journey_file), "PYTHONPATH": str(ROOT)},
                capture_output=True,
                text=True,
                check=False,
                timeout=seconds + 120,
            )
            elapsed = time.perf_counter() - started
            cpu = sum(cpu_seconds(pid) for pid in processes) - cpu_before
        finally:
            server.terminate()
            server.wait(timeout=30)
        stats = Path(workdir) / "load_stats.csv"
        if not stats.exists():
            return {"error": f"locust wrote no statistics: {locust.stderr[-2000:]}"}
        totals = aggregated(stats)
    cores = os.cpu_count() or 1
    per_second = totals["requests"] / elapsed
    cpu_per_request = cpu / totals["requests"] if totals["requests"] else None
    ceiling = cores / cpu_per_request if cpu_per_request else None
    return {
        **totals,
        "workers": WORKERS,
        "users": users,
        "seconds": round(elapsed, 1),
        "per_second": per_second,
        "cpu_ms_per_request": cpu_per_request * 1000 if cpu_per_request else None,
        "cores": cores,
        "cores_used": cpu / elapsed,
        "load_average": os.getloadavg()[0],
        "ceiling_per_second": ceiling,
        "share_of_ceiling": per_second / ceiling if ceiling else None,
    }
