"""`make bench`: every key page at scales 1 and 10 (its queries, its time against its floor) and a load run.

On SQLite in a temporary folder, or on PostgreSQL when DATABASE_URL is set (that database is emptied
first, and again between scales). Each scale runs in its own process (bench.measure) on a database
filled by demo.scale; this process prints one table of what they found and the goals met or missed, and
writes it all to bench/results/<date>-<database>.json. Nothing here asserts a time: it measures.

    BENCH_ARGS="--scales 1 --repeats 10 --load-seconds 20" make bench
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import django

from bench.environment import ROOT, bench_environment
from bench.goals import goals_judge, growth

RESULTS = ROOT / "bench" / "results"


def manage(env: dict, *arguments: str) -> None:
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, check=True)  # noqa: S603


def scale_databases(scales: list[int], workdir: Path) -> dict[int, str]:
    """An empty, migrated database for each scale: copies of one migrated SQLite file, or the
    PostgreSQL database of DATABASE_URL (emptied before each scale by `prepare`)."""
    if os.environ.get("DATABASE_URL"):
        url = os.environ["DATABASE_URL"]
        manage(bench_environment(url), "migrate", "--no-input", "-v0")
        return dict.fromkeys(scales, url)
    template = workdir / "migrated.sqlite3"
    manage(bench_environment(f"sqlite:///{template}"), "migrate", "--no-input", "-v0")
    databases = {}
    for scale in scales:
        shutil.copyfile(template, workdir / f"scale-{scale}.sqlite3")
        databases[scale] = f"sqlite:///{workdir / f'scale-{scale}.sqlite3'}"
    return databases


def prepare(url: str) -> None:
    if url.startswith("postgres"):
        manage(bench_environment(url), "flush", "--no-input", "-v0")


def measure_scale(scale: int, url: str, args, workdir: Path) -> dict:
    out = workdir / f"scale-{scale}.json"
    command = [
        sys.executable,
        "-m",
        "bench.measure",
        f"--scale={scale}",
        f"--database-url={url}",
        f"--out={out}",
        f"--repeats={args.repeats}",
        f"--at-least={args.at_least}",
        f"--page-budget={args.page_budget}",
        f"--download-repeats={args.download_repeats}",
        f"--download-budget={args.download_budget}",
        f"--load-seconds={args.load_seconds}",
        f"--load-users={args.load_users}",
    ]
    if args.only:
        command += ["--only", *args.only]
    subprocess.run(command, cwd=ROOT, env=bench_environment(url), check=True)  # noqa: S603
    return json.loads(out.read_text())


def milliseconds(value) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def table(results: dict) -> str:
    """One table: each page's queries, requests timed, p50, p95, floor and R at each scale, and its
    p95 growth; then the admin comparison, the load runs and the goals."""
    scales = sorted(results, key=int)
    grown = growth(results)
    header = f"{'page':36} {'kind':8}" + "".join(
        f" | {'q':>3} {'n':>3} {'first':>6} {'p50':>6} {'p95':>6} {'floor':>6} {'R':>5}" for _ in scales
    )
    lines = [
        " " * 45 + "".join(f" | scale {s:<37}" for s in scales) + " |    p95",
        header + " | growth",
        "-" * (len(header) + 9),
    ]
    names = [page["name"] for page in results[scales[0]]["pages"]]
    for name in names:
        row = f"{name[:36]:36} {results[scales[0]]['pages'][names.index(name)]['kind']:8}"
        for s in scales:
            page = next((p for p in results[s]["pages"] if p["name"] == name), {})
            if "error" in page:
                row += f" | {'FAILS: ' + page['error']:<38.38}"
                continue
            r = page.get("r")
            row += (
                f" | {page.get('queries', '-'):>3} {page.get('requests', '-'):>3}"
                f" {milliseconds(page.get('first_ms')):>6} {milliseconds(page.get('p50_ms')):>6} {milliseconds(page.get('p95_ms')):>6}"
                f" {milliseconds(page.get('floor_ms')):>6} {f'{r:.1f}' if r else '-':>5}"
            )
        lines.append(row + f" | {f'x{grown[name]:.1f}' if name in grown else '-':>6}")
    lines.append("")
    lines.append(
        "Times in ms, in-process. first: the page's first request in the process, cold; n: the warm requests "
        "timed\n(fewer than asked when a page is slow; a download's second request is its first timed); floor: "
        "its own SQL\nreplayed on a raw cursor plus one bare template loop over the rows; R: p50 / floor."
    )
    for s in scales:
        compared = results[s]["changelist"]
        ours, theirs = compared["delivery plan"], compared["admin changelist"]
        if "ratio" in compared:
            lines.append(
                f"scale {s}: the same {compared['rows']} actions (same rows: {compared['same_rows']}): delivery plan "
                f"p50 {ours['p50_ms']:.0f} ms, {ours['queries']} queries; admin changelist p50 "
                f"{theirs['p50_ms']:.0f} ms, {theirs['queries']} queries; ratio {compared['ratio']:.2f}"
            )
        else:
            lines.append(
                f"scale {s}: changelist comparison failed: {ours.get('error')} / {theirs.get('error')}"
            )
    for s in scales:
        load = results[s].get("load")
        if not load:
            continue
        if "error" in load:
            lines.append(f"scale {s}: load run failed: {load['error']}")
            continue
        lines.append(
            f"scale {s}: gunicorn {load['workers']} workers, {load['users']} users, {load['seconds']:.0f} s: "
            f"{load['per_second']:.1f} requests/s, p50/p95/p99 {load['p50_ms']:.0f}/{load['p95_ms']:.0f}/"
            f"{load['p99_ms']:.0f} ms, {load['errors']} errors of {load['requests']}; "
            f"{load['cpu_ms_per_request']:.0f} CPU ms a request, ceiling {load['ceiling_per_second']:.1f}/s "
            f"on {load['cores']} cores: {load['share_of_ceiling']:.0%} of it; gunicorn used "
            f"{load['cores_used']:.2f} cores, machine load average {load['load_average']:.1f}"
        )
    lines.append("")
    for judged in goals_judge(results):
        verdict = "met" if judged["met"] else ("not measured" if not judged["measured"] else "MISSED")
        misses = f": {'; '.join(judged['misses'])}" if judged["misses"] else ""
        lines.append(f"[{verdict}] {judged['goal']}{misses}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--repeats", type=int, default=50, help="Timed requests of each page (default 50).")
    parser.add_argument(
        "--at-least", type=int, default=10, help="Timed requests of a page, whatever its budget."
    )
    parser.add_argument(
        "--page-budget", type=float, default=30, help="Seconds after which a slow page stops."
    )
    parser.add_argument("--download-repeats", type=int, default=5)
    parser.add_argument("--download-budget", type=float, default=30)
    parser.add_argument("--load-seconds", type=int, default=60, help="Length of each load run; 0 for none.")
    parser.add_argument("--load-users", type=int, default=6)
    parser.add_argument("--only", nargs="*", help="Measure only the pages whose names contain these words.")
    args = parser.parse_args()

    database = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    started = datetime.datetime.now(datetime.UTC)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="sbp-bench-") as workdir:
        workdir = Path(workdir)
        manage(
            bench_environment(f"sqlite:///{workdir / 'static.sqlite3'}"), "collectstatic", "--no-input", "-v0"
        )
        databases = scale_databases(args.scales, workdir)
        results = {}
        for scale in args.scales:
            prepare(databases[scale])
            try:
                results[str(scale)] = measure_scale(scale, databases[scale], args, workdir)
            except subprocess.CalledProcessError:
                print(f"Scale {scale} failed (see above); the table leaves it out.", file=sys.stderr)
    report = {
        "date": started.date().isoformat(),
        "started_at": started.isoformat(timespec="seconds"),
        "minutes": round((datetime.datetime.now(datetime.UTC) - started).total_seconds() / 60, 1),
        "database": database,
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "django": django.get_version(),
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
        },
        "arguments": vars(args),
        "scales": results,
        "growth_of_p95": growth(results),
        "goals": goals_judge(results),
    }
    if not results:
        raise SystemExit("No scale was measured.")
    RESULTS.mkdir(exist_ok=True)
    # A run of some pages only does not replace the day's whole run.
    path = RESULTS / f"{report['date']}-{database}{'-only' if args.only else ''}.json"
    path.write_text(json.dumps(report, indent=1) + "\n")
    print(table(results))
    print(f"\nWritten to {path.relative_to(ROOT)} ({report['minutes']} minutes).")


if __name__ == "__main__":
    main()
