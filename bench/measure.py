"""One scale of `make bench`, in its own process on its own (empty, migrated) database:
`python -m bench.measure --scale N --database-url URL --out FILE`.

Builds the synthetic partnerships (demo.scale), measures every key page in-process, compares the
delivery plan with the Django admin's changelist, runs the load, and writes what it found as JSON.
"""

import argparse
import json
import sys
import time
from pathlib import Path

from bench.environment import django_setup


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measure(args) -> dict:
    from django.utils import timezone

    from accounts.models import User
    from bench.changelist import changelist_compare
    from bench.environment import signed_in_client
    from bench.load import load_run
    from bench.pages import key_pages, page_measure
    from demo.loader import demo_counts
    from demo.scale import scale_build

    started = time.perf_counter()
    world = scale_build(scale=args.scale, today=timezone.localdate())
    built = world.large
    result = {
        "scale": args.scale,
        "build_seconds": round(time.perf_counter() - started, 1),
        "large_partnership": demo_counts(partnerships=[built.partnership]),
        "ordinary_partnerships": len(world.ordinary),
    }
    progress(f"scale {args.scale}: built in {result['build_seconds']}s")
    superuser = User.objects.create_user("bench-superuser", "bench-superuser@example.org", None)
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    clients = {
        "administrator": signed_in_client(built.administrator),
        "officer": signed_in_client(built.officer),
        "board_member": signed_in_client(built.board_member),
    }
    result["pages"] = []
    for page in key_pages(built):
        if args.only and not any(word in page.name for word in args.only):
            continue
        if page.is_download:
            limits = {"repeats": args.download_repeats, "budget": args.download_budget, "at_least": 0}
        else:
            limits = {"repeats": args.repeats, "budget": args.page_budget, "at_least": args.at_least}
        try:
            measured = page_measure(clients[page.who], page, **limits)
        except Exception as error:  # noqa: BLE001 - a page that breaks the bench is reported, not fatal
            measured = {
                "name": page.name,
                "kind": page.kind,
                "paginates": page.paginates,
                "error": repr(error),
            }
        result["pages"].append(measured)
        summary = measured.get("error") or f"p50 {measured['p50_ms']:.0f} ms, {measured['queries']} queries"
        progress(f"scale {args.scale}: {page.name}: {summary}")
    result["changelist"] = changelist_compare(
        ours_client=clients["administrator"],
        admin_client=signed_in_client(superuser),
        built=built,
        repeats=args.repeats,
        budget=args.page_budget,
        at_least=args.at_least,
    )
    progress(f"scale {args.scale}: delivery plan / admin changelist: {result['changelist'].get('ratio')}")
    if args.load_seconds:
        result["load"] = load_run(args.database_url, built, seconds=args.load_seconds, users=args.load_users)
        progress(f"scale {args.scale}: load: {result['load']}")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--download-repeats", type=int, default=5)
    parser.add_argument(
        "--page-budget",
        type=float,
        default=60,
        help="Seconds of timed requests after which a page stops early.",
    )
    parser.add_argument(
        "--at-least", type=int, default=10, help="Timed requests of a page, whatever its budget."
    )
    parser.add_argument("--download-budget", type=float, default=30)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--load-users", type=int, default=6)
    parser.add_argument("--only", nargs="*", help="Measure only the pages whose names contain these words.")
    args = parser.parse_args()
    django_setup(args.database_url)
    args.out.write_text(json.dumps(measure(args), indent=1))


if __name__ == "__main__":
    main()
