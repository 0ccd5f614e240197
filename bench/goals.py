"""The performance goals, judged from one run of `make bench` (docs/performance.md says why each)."""

MAX_QUERIES = 12
MAX_R = 2
MAX_PAGINATED_GROWTH = 2
MIN_SHARE_OF_CEILING = 0.8
MAX_PUBLISHED_DOWNLOAD = 2  # times the published report's HTML page
MAX_FIRST_DRAFT_PDF = 5  # times the live exception report's HTML page


def by_name(scale_result: dict) -> dict[str, dict]:
    return {page["name"]: page for page in scale_result["pages"]}


def growth(results: dict) -> dict[str, float]:
    """Each page's p95 at the largest scale over its p95 at the smallest."""
    scales = sorted(results, key=int)
    if len(scales) < 2:
        return {}
    small, large = by_name(results[scales[0]]), by_name(results[scales[-1]])
    return {
        name: large[name]["p95_ms"] / page["p95_ms"]
        for name, page in small.items()
        if "p95_ms" in page and "p95_ms" in large.get(name, {})
    }


def goals_judge(results: dict) -> list[dict]:
    """Each goal, whether it is met, and the pages or figures that miss it."""
    scales = sorted(results, key=int)
    pages = {scale: by_name(results[scale]) for scale in scales}
    names = list(pages[scales[0]])
    judged = []

    def goal(text: str, misses: list[str], measured: bool = True):
        judged.append({"goal": text, "met": measured and not misses, "measured": measured, "misses": misses})

    misses = []
    for name in names:
        counts = [pages[s][name].get("queries") for s in scales if name in pages[s]]
        if None in counts or max(counts) > MAX_QUERIES or len(set(counts)) > 1:
            misses.append(f"{name}: {' / '.join(str(c) for c in counts)}")
    goal(f"every page at most {MAX_QUERIES} queries, the same at every scale", misses)

    misses = [
        f"{name} at scale {s}: R {pages[s][name]['r']:.1f}"
        for s in scales
        for name in names
        if pages[s][name]["kind"] in ("list", "report") and (pages[s][name].get("r") or 0) > MAX_R
    ]
    goal(f"R at most {MAX_R} on every list and report page", misses)

    grown = growth(results)
    paginated = [name for name in names if pages[scales[0]][name]["paginates"]]
    misses = [
        f"{name}: x{grown[name]:.1f}" for name in paginated if grown.get(name, 0) > MAX_PAGINATED_GROWTH
    ]
    goal(
        f"p95 at the largest scale within {MAX_PAGINATED_GROWTH}x of the smallest for every paginated page",
        misses,
        measured=len(scales) > 1,
    )

    misses = [
        f"scale {s}: x{results[s]['changelist']['ratio']:.2f}"
        for s in scales
        if results[s]["changelist"].get("ratio", 0) > 1 or not results[s]["changelist"].get("same_rows")
    ]
    goal("the delivery plan no slower than the admin changelist for the same 100 actions", misses)

    misses, measured = [], False
    for s in scales:
        load = results[s].get("load")
        if not load or "error" in load:
            continue
        measured = True
        if load["errors"] or (load["share_of_ceiling"] or 0) < MIN_SHARE_OF_CEILING:
            misses.append(
                f"scale {s}: {load['share_of_ceiling']:.0%} of the ceiling, {load['errors']} errors"
            )
    goal(f"throughput at least {MIN_SHARE_OF_CEILING:.0%} of the CPU ceiling with 0 errors", misses, measured)

    misses, measured = [], False
    for s in scales:
        html = pages[s].get("published report", {}).get("p50_ms")
        for extension in ("docx", "pdf"):
            download = pages[s].get(f"published report .{extension}", {}).get("p50_ms")
            measured = measured or bool(html and download)
            if html and download and download / html > MAX_PUBLISHED_DOWNLOAD:
                misses.append(f".{extension} at scale {s}: x{download / html:.0f}")
    goal(f"a published paper's download at most {MAX_PUBLISHED_DOWNLOAD}x its HTML page", misses, measured)

    largest = pages[scales[-1]]
    html = largest.get("exception report", {}).get("p50_ms")
    first_pdf = largest.get("exception report .pdf", {}).get("first_ms")
    # Or made on the task queue: then the first request answers the page showing its progress.
    first_progress = largest.get("exception report .pdf, being made", {}).get("first_ms")
    first = min(filter(None, (first_pdf, first_progress)), default=None)
    misses = (
        [f"x{first / html:.1f} at scale {scales[-1]}"]
        if html and first and first / html > MAX_FIRST_DRAFT_PDF
        else []
    )
    goal(
        f"the first PDF of a live draft at the largest scale within {MAX_FIRST_DRAFT_PDF}x of its HTML, "
        "or made on the task queue with its progress shown within that",
        misses,
        measured=bool(html and first),
    )
    return judged
