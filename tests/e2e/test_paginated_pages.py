"""The pages that show long lists a page at a time: an officer with more actions than fit on My actions
reaches the rest through the GOV.UK pagination, as on the delivery plan and on a reporting period's
returns. Each second page passes axe, reflows at 320 CSS px and is valid HTML."""

import pytest
from django.utils import timezone

from accounts.models import Partnership, User
from delivery.models import Action, ReportingPeriod
from delivery.views.officer import ActionListView, MyActionsView
from delivery.views.periods import ReportingPeriodDetailView
from priorities.models import StrategicAmbition, Strategy
from tests.delivery.factories import ActionFactory
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_reflow_and_html import NARROW, SLUG, VNU_JAR, sideways_scroll, vnu_errors

pytestmark = pytest.mark.e2e

EXTRA = max(MyActionsView.paginate_by, ActionListView.paginate_by, ReportingPeriodDetailView.paginate_by)


@pytest.fixture
def many_actions(demo):
    """As many more actions for demo-officer in the current strategy as fill a page of every paginated
    page, all expected to report in the open period, which is returned."""
    officer = User.objects.get(username="demo-officer")
    strategy = Strategy.current_of(
        list(Strategy.objects.for_partnership(Partnership.objects.get(slug=SLUG))), today=timezone.localdate()
    )
    ambition = StrategicAmbition.objects.filter(priority__strategy=strategy).first()
    start = (ambition.actions.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    for order in range(start, start + EXTRA):
        ActionFactory(
            ambition=ambition, order=order, owner=officer, starts_on=None, status=Action.Status.IN_PROGRESS
        )
    return ReportingPeriod.objects.filter(partnership__slug=SLUG).open().order_by("-starts_on").first()


def next_page(page, label: str, *, documents: dict) -> None:
    """Follow the pagination's "Next" link, then check the page it opens as every page is checked."""
    pagination = page.get_by_role("navigation", name=label)
    assert pagination.get_by_role("link", name="Page 1").get_attribute("aria-current") == "page"
    pagination.get_by_role("link", name="Next page").click()
    page.wait_for_load_state()
    assert "page=2" in page.url
    assert (
        page.get_by_role("navigation", name=label)
        .get_by_role("link", name="Page 2")
        .get_attribute("aria-current")
        == "page"
    )
    page.set_viewport_size(NARROW)
    assert sideways_scroll(page) <= 0, f"{page.url} scrolls sideways at 320 px"
    assert_accessible(page)
    documents[page.url] = page.request.get(page.url).text()  # the HTML as the server sent it


def test_long_lists_are_read_a_page_at_a_time(page, live_server, sign_in, many_actions, tmp_path):
    if not VNU_JAR.exists():
        pytest.fail(f"The Nu HTML Checker is not at {VNU_JAR}: run `make test`, which installs it.")
    documents = {}

    sign_in("demo-officer")
    page.goto(f"{live_server.url}/p/{SLUG}/my-actions/")
    assert_accessible(page)
    assert "page 1 of 2" in page.title()
    next_page(page, "Pages of your actions", documents=documents)
    assert "page 2 of 2" in page.title()

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/p/{SLUG}/actions/?strategy=all")
    assert_accessible(page)
    next_page(page, "Pages of actions", documents=documents)

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/p/{SLUG}/periods/{many_actions.pk}/")
    assert_accessible(page)
    next_page(page, "Pages of returns", documents=documents)

    assert vnu_errors(documents, tmp_path) == []
