"""The page that matches a spreadsheet's own headings to the plan's fields, in the browser: with long,
marked-up and missing headings it reflows at 320 px and passes axe, before and after a refused choice."""

import pytest

from tests.delivery.test_plan_import import import_url, make_plan
from tests.delivery.test_plan_import_columns import own_csv
from tests.e2e.conftest import DEMO_PASSWORD, assert_accessible

pytestmark = pytest.mark.e2e


def test_the_columns_page_reflows_at_320_px_and_is_accessible(transactional_db, live_server, page, sign_in):
    from delivery.imports.services import plan_import_check

    plan = make_plan()
    plan.admin.set_password(DEMO_PASSWORD)
    plan.admin.save()
    headings = ["Ref", "Priority", "Objective", "<b>Deliverable</b>", "Timescale", "W" * 200, ""]
    values = ["1.1.1", "Prevention", "Reduce serious violence", "Sessions", "Q3 2024/25", "Ω" * 3_000, "x"]
    plan_import = plan_import_check(
        partnership=plan.partnership,
        strategy=plan.strategy,
        uploaded_by=plan.admin,
        file=own_csv(rows=[dict(zip(headings, values, strict=True))], headings=headings),
    )
    sign_in(plan.admin.username)
    page.set_viewport_size({"width": 320, "height": 640})

    page.goto(live_server.url + import_url(plan, "plan_import_columns", import_pk=plan_import.pk))

    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    # Every select is in view beside its heading, however long the headings: the table need not scroll.
    assert (
        page.evaluate(
            "Math.max(...[...document.querySelectorAll('select')].map((s) => s.getBoundingClientRect().right))"
        )
        <= 320
    )
    assert_accessible(page)
    assert page.get_by_label("<b>Deliverable</b>").input_value() == ""
    page.get_by_label("Timescale").select_option(label="Do not import")
    page.get_by_role("button", name="Check the file with these columns").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error:")
    assert page.get_by_role("link", name="Choose a column for Action and Due date").is_visible()
    assert page.get_by_label("Timescale").input_value() == ""
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert_accessible(page)
    page.get_by_label("<b>Deliverable</b>").select_option(label="Action")
    page.get_by_label("Timescale").select_option(label="Due date")
    page.get_by_role("button", name="Check the file with these columns").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Check the import").is_visible()
