"""The import preview of a file that adds priorities, names people to invite, keeps partners as
written and completes an action, in the browser: it reflows at 320 px, passes axe and is valid HTML."""

import pytest

from tests.delivery.test_plan_import import csv_file, import_url, make_plan, row
from tests.e2e.conftest import DEMO_PASSWORD, assert_accessible
from tests.e2e.test_reflow_and_html import vnu_errors

pytestmark = pytest.mark.e2e


def test_the_preview_with_people_to_invite_and_new_priorities_reflows_and_is_accessible(
    transactional_db, live_server, page, sign_in, tmp_path
):
    from delivery.imports.services import plan_import_check

    plan = make_plan()
    plan.admin.set_password(DEMO_PASSWORD)
    plan.admin.save()
    plan.mps.nominated_contact = plan.delegate
    plan.mps.save()
    rows = [
        row(
            Reference="3.1.1",
            Priority="Places <b>and</b> spaces " + "x" * 150,
            Status="Complete",
            **{
                "Strategic ambition": "Safer town centres",
                "Owner email": "Sam Jones",
                "Lead organisation": "MPS",
                "Partner organisations": "LFB, third sector, Metropolitan Polise Service",
                "Themes and places": "VAWG, Town centre",
                "Date completed": "03/06/2024",
            },
        )
    ]
    plan_import = plan_import_check(
        partnership=plan.partnership, strategy=plan.strategy, uploaded_by=plan.admin, file=csv_file(rows)
    )
    assert plan_import.errors == []
    sign_in(plan.admin.username)
    page.set_viewport_size({"width": 320, "height": 640})

    url = live_server.url + import_url(plan, "plan_import_preview", import_pk=plan_import.pk)
    page.goto(url)

    assert page.get_by_role("heading", name="People to invite").is_visible()
    assert page.get_by_text("New priorities:").is_visible()
    assert page.get_by_text("Partners kept as written: third sector").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert_accessible(page)
    assert vnu_errors({"the preview": page.request.get(url).text()}, tmp_path) == []
