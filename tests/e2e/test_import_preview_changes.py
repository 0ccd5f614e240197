"""The import preview of a file that changes and empties fields, in the browser: it reflows at 320 px
and passes axe, before and after choosing to clear the fields the file leaves empty."""

import pytest

from tests.delivery.test_plan_import import csv_file, import_url, make_plan, row
from tests.delivery.test_plan_import_published_plans import led_action
from tests.e2e.conftest import DEMO_PASSWORD, assert_accessible

pytestmark = pytest.mark.e2e


def test_the_preview_with_changes_reflows_at_320_px_and_is_accessible(
    transactional_db, live_server, page, sign_in
):
    from delivery.imports.services import plan_import_check

    plan = make_plan()
    plan.admin.set_password(DEMO_PASSWORD)
    plan.admin.save()
    led_action(plan, success_measure="W" * 300)
    changed = row(
        Description="Ω" * 2_000,
        **{"Partner organisations": "", "Status": "On hold", "Lead organisation": "LFB"},
    )
    plan_import = plan_import_check(
        partnership=plan.partnership,
        strategy=plan.strategy,
        uploaded_by=plan.admin,
        file=csv_file([changed, row(Reference="1.1.2", Action="<b>A new action</b>")]),
    )
    assert plan_import.errors == []
    sign_in(plan.admin.username)
    page.set_viewport_size({"width": 320, "height": 640})

    page.goto(live_server.url + import_url(plan, "plan_import_preview", import_pk=plan_import.pk))

    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert_accessible(page)
    assert page.get_by_text("Partner organisations: left as it is").is_visible()
    page.get_by_label("Also clear the fields this file leaves empty").check()
    page.get_by_role("button", name="Update the preview").click()
    page.wait_for_load_state()
    assert "The preview now shows the fields this file leaves empty as cleared" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert_accessible(page)
