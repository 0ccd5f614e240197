"""The same 100 actions listed by the delivery plan and by the Django admin's changelist.

Both list the first 100 actions of the current strategy in plan order, one page of 100 each: the bench
sets the delivery plan's page size and the admin's `list_per_page` to 100 in its own process for this
comparison only. Which actions each page links to is read from its HTML, so that the comparison is
known to be of the same rows.
"""

import re

ROWS = 100


def linked_actions(html: str, pattern: str) -> list[int]:
    """The action ids a page links to, in order, each once."""
    seen = []
    for pk in map(int, re.findall(pattern, html)):
        if pk not in seen:
            seen.append(pk)
    return seen


def changelist_compare(
    *, ours_client, admin_client, built, repeats: int, budget: float, at_least: int
) -> dict:
    """Measure both lists of the same 100 actions as every page is measured (`page_measure`); the ratio
    is the delivery plan's p50 over the admin's."""
    from django.contrib import admin
    from django.urls import reverse

    from bench.pages import Page, page_measure
    from delivery.models import Action
    from delivery.views.officer import ActionListView

    slug, strategy = built.partnership.slug, built.strategy.pk
    lists = (
        (
            Page(
                "delivery plan, 100 a page",
                "administrator",
                reverse("delivery:action_list", kwargs={"slug": slug}) + f"?strategy={strategy}",
                "list",
                paginates=True,
            ),
            ours_client,
            rf"/p/{slug}/actions/(\d+)/\"",
        ),
        (
            Page(
                "admin changelist, 100 a page",
                "superuser",
                reverse("admin:delivery_action_changelist")
                + f"?ambition__priority__strategy__id__exact={strategy}",
                "list",
                paginates=True,
            ),
            admin_client,
            r"/admin/delivery/action/(\d+)/change/",
        ),
    )
    model_admin = admin.site._registry[Action]
    saved = ActionListView.paginate_by, model_admin.list_per_page
    ActionListView.paginate_by = model_admin.list_per_page = ROWS
    try:
        measured, listed = [], []
        for page, client, pattern in lists:
            measured.append(page_measure(client, page, repeats=repeats, budget=budget, at_least=at_least))
            listed.append(linked_actions(client.get(page.path).content.decode(), pattern))
    finally:
        ActionListView.paginate_by, model_admin.list_per_page = saved
    ours, theirs = measured
    result = {"delivery plan": ours, "admin changelist": theirs, "rows": len(listed[0])}
    if "p50_ms" in ours and "p50_ms" in theirs:
        result["same_rows"] = len(listed[0]) == ROWS and sorted(listed[0]) == sorted(listed[1])
        result["ratio"] = ours["p50_ms"] / theirs["p50_ms"]
    return result
